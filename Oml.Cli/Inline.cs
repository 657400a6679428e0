namespace Oml.Cli;

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread, as it happens (Progress&lt;T&gt; posts to the thread pool).</summary>
internal sealed class Inline<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
