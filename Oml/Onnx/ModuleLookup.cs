using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Oml.Onnx;

/// <summary>
/// The submodules and parameters of a module by their state-dict path (<c>layer1.0.conv1</c>, <c>blocks.0.attn.qkv</c>),
/// and the full path under which an exported weight is named (<paramref name="prefix"/> + path).
/// </summary>
internal sealed class ModuleLookup(nn.Module module, string prefix)
{
    private readonly Dictionary<string, nn.Module> _modules = module.named_modules().ToDictionary(m => m.name, m => m.module, StringComparer.Ordinal);
    private readonly Dictionary<string, Parameter> _parameters = module.named_parameters().ToDictionary(p => p.name, p => p.parameter, StringComparer.Ordinal);

    public bool Has(string path) => _modules.ContainsKey(path);

    public T Get<T>(string path) where T : nn.Module =>
        _modules.GetValueOrDefault(path) as T
        ?? throw new InvalidOperationException($"{module.GetType().Name} has no {typeof(T).Name} at {path}; the ONNX export does not know this layout");

    public Parameter Parameter(string path) =>
        _parameters.GetValueOrDefault(path) ?? throw new InvalidOperationException($"{module.GetType().Name} has no parameter {path}");

    public string Path(string path) => prefix + path;
}
