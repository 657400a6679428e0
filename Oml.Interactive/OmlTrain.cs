namespace Oml.Interactive;

/// <summary>
/// <c>#!oml-train --config cfg.yaml [--pipeline extractor|postprocessor] [--set key.path=value ...] [--name run] [--worst 5]
/// [--metrics OVERALL/cmc/1,OVERALL/map/5]</c>
/// </summary>
public sealed class OmlTrain : ResultViewCommand
{
    /// <summary><c>extractor</c> (<c>oml train</c>, the default) or <c>postprocessor</c> (<c>oml train-postprocessor</c>).</summary>
    public string? Pipeline { get; set; }
}
