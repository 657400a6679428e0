using System.Collections;
using System.Diagnostics.CodeAnalysis;
using static TorchSharp.torch;

namespace Oml.Weights;

/// <summary>
/// Tensors read from a weights file, by key, in file order. Owns the tensors: dispose it after copying them
/// into a module (<see cref="ModuleWeights.Load(TorchSharp.torch.nn.Module, string, bool)"/> does). <see cref="Ignored"/> names what the file held besides
/// the state dict (a Lightning checkpoint's optimizer states, hyper-parameters, non-tensor entries).
/// </summary>
public sealed class StateDict : IReadOnlyDictionary<string, Tensor>, IDisposable
{
    private readonly Dictionary<string, Tensor> _tensors;
    private readonly List<string> _order;

    internal StateDict(string path, WeightsFormat format, IEnumerable<KeyValuePair<string, Tensor>> tensors, string? nestedUnder, IReadOnlyList<string> ignored)
    {
        Path = path;
        Format = format;
        NestedUnder = nestedUnder;
        Ignored = ignored;
        _tensors = [];
        _order = [];
        foreach (var (key, value) in tensors)
        {
            _tensors[key] = value;
            _order.Add(key);
        }
    }

    /// <summary>The file it was read from.</summary>
    public string Path { get; }

    public WeightsFormat Format { get; }

    /// <summary>The top-level entry the state dict was found under (<c>state_dict</c>, <c>model</c>, ...), or null.</summary>
    public string? NestedUnder { get; }

    /// <summary>Top-level entries and non-tensor values that were not part of the state dict.</summary>
    public IReadOnlyList<string> Ignored { get; }

    public Tensor this[string key] => _tensors[key];

    public IEnumerable<string> Keys => _order;

    public IEnumerable<Tensor> Values => _order.Select(k => _tensors[k]);

    public int Count => _tensors.Count;

    public bool ContainsKey(string key) => _tensors.ContainsKey(key);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out Tensor value) => _tensors.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, Tensor>> GetEnumerator() =>
        _order.Select(k => new KeyValuePair<string, Tensor>(k, _tensors[k])).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public void Dispose()
    {
        foreach (var t in _tensors.Values) t.Dispose();
        _tensors.Clear();
        _order.Clear();
    }
}
