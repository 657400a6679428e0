using System.Text;

namespace Oml.Weights;

/// <summary>What <see cref="ModuleWeights.Load(TorchSharp.torch.nn.Module, string, bool)"/> did with a weights file.</summary>
public sealed class WeightsLoadReport
{
    internal WeightsLoadReport(
        string path, WeightsFormat format, string? nestedUnder, string strippedPrefix,
        IReadOnlyList<string> loaded, IReadOnlyList<string> missing, IReadOnlyList<string> unexpected,
        IReadOnlyList<string> shapeMismatches, IReadOnlyList<string> dropped, IReadOnlyList<string> ignored)
    {
        Path = path;
        Format = format;
        NestedUnder = nestedUnder;
        StrippedPrefix = strippedPrefix;
        Loaded = loaded;
        Missing = missing;
        Unexpected = unexpected;
        ShapeMismatches = shapeMismatches;
        Dropped = dropped;
        Ignored = ignored;
    }

    public string Path { get; }

    public WeightsFormat Format { get; }

    /// <summary>The checkpoint entry the weights came from (<c>state_dict</c>, <c>model</c>, ...), or null for a bare state dict.</summary>
    public string? NestedUnder { get; }

    /// <summary>The prefix removed from the file's keys (<c>model.</c>, <c>module.</c>, ...), or empty.</summary>
    public string StrippedPrefix { get; }

    /// <summary>Module keys that received values.</summary>
    public IReadOnlyList<string> Loaded { get; }

    /// <summary>Module keys the file has no value for (left as they were).</summary>
    public IReadOnlyList<string> Missing { get; }

    /// <summary>File keys (after prefix stripping) the module does not have (skipped).</summary>
    public IReadOnlyList<string> Unexpected { get; }

    /// <summary>Keys present on both sides with different shapes, as <c>key: file [..] vs model [..]</c> (skipped).</summary>
    public IReadOnlyList<string> ShapeMismatches { get; }

    /// <summary>
    /// File keys left out on purpose: training-only ones removed before matching (<c>criterion.*</c>, <c>speaker_loss.*</c>)
    /// and those of a head the module was built without (a ResNet's <c>fc.*</c> with <c>remove_fc</c>).
    /// </summary>
    public IReadOnlyList<string> Dropped { get; }

    /// <summary>Non-weight content of the file that was not looked at (optimizer states, hyper-parameters, ...).</summary>
    public IReadOnlyList<string> Ignored { get; }

    /// <summary>True when every module key was loaded and nothing was skipped.</summary>
    public bool IsComplete => Missing.Count == 0 && Unexpected.Count == 0 && ShapeMismatches.Count == 0;

    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append($"{Path} ({Format}{(NestedUnder is null ? "" : $", under '{NestedUnder}'")}{(StrippedPrefix.Length == 0 ? "" : $", prefix '{StrippedPrefix}' stripped")}): ");
        sb.Append($"loaded {Loaded.Count}, missing {Missing.Count}, unexpected {Unexpected.Count}, shape mismatches {ShapeMismatches.Count}, dropped {Dropped.Count}");
        return sb.ToString();
    }
}
