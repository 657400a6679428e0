using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.DotNet.Interactive.Commands;

namespace Oml.Interactive;

/// <summary><c>#!oml-dataset df.csv [--root DIR] [--name ds]</c></summary>
public sealed class OmlDataset : KernelDirectiveCommand
{
    public string? Csv { get; set; }

    public string? Root { get; set; }

    public string? Name { get; set; }
}
