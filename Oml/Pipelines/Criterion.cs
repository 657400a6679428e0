using Oml.Registries;
using static TorchSharp.torch;

namespace Oml.Pipelines;

/// <summary>
/// The training loop's view of a loss from <see cref="Registry.Losses"/>: <c>forward(features, labels)</c> and, when
/// the loss has one, its <c>LastLogs</c> property (OML's <c>last_logs</c>: active triplets, distances, ...). A loss
/// registered by a user only needs to be an <c>nn.Module&lt;Tensor, Tensor, Tensor&gt;</c>; a public
/// <c>LastLogs</c> property of type <c>IReadOnlyDictionary&lt;string, double&gt;</c> is logged if present.
/// </summary>
internal sealed class Criterion
{
    private readonly nn.Module<Tensor, Tensor, Tensor> _module;
    private readonly Func<IReadOnlyDictionary<string, double>?> _logs;

    private Criterion(nn.Module<Tensor, Tensor, Tensor> module, Func<IReadOnlyDictionary<string, double>?> logs)
    {
        _module = module;
        _logs = logs;
    }

    public static Criterion From(nn.Module module, ConfigBlock block)
    {
        if (module is not nn.Module<Tensor, Tensor, Tensor> forward)
        {
            throw new OmlException($"{block.Path} '{block.Name}' cannot train an extractor: it does not take (features, labels)" +
                                   (block.Name == "triplet" ? "; it takes (anchor, positive, negative). Use triplet_with_miner, which mines the triplets from a batch" : ""));
        }
        var property = module.GetType().GetProperty("LastLogs");
        Func<IReadOnlyDictionary<string, double>?> logs = property is null ? () => null : () => property.GetValue(module) as IReadOnlyDictionary<string, double>;
        return new Criterion(forward, logs);
    }

    public Tensor Forward(Tensor features, Tensor labels) => _module.forward(features, labels);

    /// <summary>A copy of the loss's logs after the last forward (empty when it has none).</summary>
    public IReadOnlyDictionary<string, double> LastLogs() =>
        _logs() is { } logs ? logs.ToDictionary(p => p.Key, p => p.Value) : new Dictionary<string, double>();
}
