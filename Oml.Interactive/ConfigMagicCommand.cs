using System.Text.Json.Serialization;
using Microsoft.DotNet.Interactive.Commands;

namespace Oml.Interactive;

/// <summary>What every config-driven magic takes: <c>--config cfg.yaml [--set key.path=value ...] [--name var]</c>.</summary>
public abstract class ConfigMagicCommand : KernelDirectiveCommand
{
    public string? Config { get; set; }

    [JsonConverter(typeof(StringOrArrayConverter))]
    public string[] Set { get; set; } = [];

    public string? Name { get; set; }
}
