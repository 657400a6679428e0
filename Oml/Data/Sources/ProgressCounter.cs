namespace Oml.Data.Sources;

/// <summary>
/// Counts finished items from any thread and reports <c>(done, total)</c> one call at a time, so a progress
/// callback sees increasing counts even when the work runs in <see cref="Parallel"/>.
/// </summary>
internal sealed class ProgressCounter(int total, Action<int, int>? progress)
{
    private readonly Lock _gate = new();
    private int _done;

    public void Start() => progress?.Invoke(0, total);

    public void Step()
    {
        lock (_gate)
        {
            _done++;
            progress?.Invoke(_done, total);
        }
    }
}
