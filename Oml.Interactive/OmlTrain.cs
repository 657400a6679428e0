using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.DotNet.Interactive.Commands;

namespace Oml.Interactive;

/// <summary><c>#!oml-train --config cfg.yaml [--set key.path=value ...] [--name run]</c></summary>
public sealed class OmlTrain : KernelDirectiveCommand
{
    public string? Config { get; set; }

    [JsonConverter(typeof(StringOrArrayConverter))]
    public string[] Set { get; set; } = [];

    public string? Name { get; set; }
}
