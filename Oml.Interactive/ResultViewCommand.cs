namespace Oml.Interactive;

/// <summary>A config magic whose result shows worst queries: also <c>[--worst 5] [--metrics OVERALL/cmc/1,OVERALL/map/5]</c>.</summary>
public abstract class ResultViewCommand : ConfigMagicCommand
{
    /// <summary>Worst queries shown per metric (0: none); the magic's default when null.</summary>
    public string? Worst { get; set; }

    /// <summary>Comma-separated metrics whose worst queries are shown (default: OML's metrics to visualize).</summary>
    public string? Metrics { get; set; }
}
