using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.DotNet.Interactive.Commands;

namespace Oml.Interactive;

/// <summary><c>#!oml-validate --config cfg.yaml [--set ...] [--name val]</c></summary>
public sealed class OmlValidate : KernelDirectiveCommand
{
    public string? Config { get; set; }

    [JsonConverter(typeof(StringOrArrayConverter))]
    public string[] Set { get; set; } = [];

    public string? Name { get; set; }
}
