using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.DotNet.Interactive.Commands;

namespace Oml.Interactive;

/// <summary><c>#!oml-predict --config cfg.yaml [--set ...] [--name emb]</c></summary>
public sealed class OmlPredict : KernelDirectiveCommand
{
    public string? Config { get; set; }

    [JsonConverter(typeof(StringOrArrayConverter))]
    public string[] Set { get; set; } = [];

    public string? Name { get; set; }
}
