using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.DotNet.Interactive.Commands;

namespace Oml.Interactive;

/// <summary><c>#!oml-validate --config cfg.yaml [--set ...] [--name val] [--worst 5] [--metrics OVERALL/cmc/1,OVERALL/map/5]</c></summary>
public sealed class OmlValidate : KernelDirectiveCommand
{
    public string? Config { get; set; }

    [JsonConverter(typeof(StringOrArrayConverter))]
    public string[] Set { get; set; } = [];

    public string? Name { get; set; }

    /// <summary>Worst queries shown per metric (0: none); the magic's default when null.</summary>
    public string? Worst { get; set; }

    /// <summary>Comma-separated metrics whose worst queries are shown (default: OML's metrics to visualize).</summary>
    public string? Metrics { get; set; }
}
