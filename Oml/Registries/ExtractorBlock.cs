using Oml.Models;
using Oml.Zoo;

namespace Oml.Registries;

/// <summary>Checks of an <c>extractor</c> block (and the extractor blocks nested in it) before anything is built or downloaded.</summary>
public static class ExtractorBlock
{
    /// <summary>What would stop <see cref="ExtractorWeights.Load(TorchSharp.torch.nn.Module, string?, string)"/> for this extractor block and the blocks nested in it, without loading anything.</summary>
    public static IEnumerable<string> WeightsProblems(ConfigBlock block) => WeightsProblems(block, zoo: null);

    /// <summary><see cref="WeightsProblems(ConfigBlock)"/> with zoo keys looked up in <paramref name="zoo"/> (OML's table when null).</summary>
    public static IEnumerable<string> WeightsProblems(ConfigBlock block, PretrainedWeights? zoo)
    {
        if (block.Args.GetValueOrDefault("weights") is string weights && !File.Exists(weights))
        {
            var problems = ModelZoo.OfflineKeys.Contains(weights) ? ModelZoo.OfflineKeyProblems(weights, block.Name, block.Args, block.Path)
                : (zoo is null ? ZooTable.Find(weights) : zoo.Find(weights)) is { } entry ? ZooKeyProblems(entry, block, zoo?.Entries ?? ZooTable.Entries)
                : [$"{block.Path}.args.weights: the weights file {weights} does not exist"];
            foreach (var problem in problems) yield return problem;
        }
        if (block.Args.GetValueOrDefault("extractor") is { } nested)
        {
            var inner = ConfigBlock.FromValue(nested, $"{block.Path}.args.extractor");
            if (inner is not null)
            {
                foreach (var problem in WeightsProblems(inner, zoo)) yield return problem;
            }
        }
    }

    /// <summary>A zoo key whose architecture is not here, or that the block's architecture does not fit: found before a download.</summary>
    private static IEnumerable<string> ZooKeyProblems(ZooEntry entry, ConfigBlock block, IEnumerable<ZooEntry> entries)
    {
        var path = $"{block.Path}.args.weights";
        if (PretrainedSupport.MissingArchitecture(entry) is not null)
        {
            yield return PretrainedSupport.Unsupported(entry, path, entries);
            yield break;
        }
        var withMlp = entry.Extractor == "extractor_with_mlp";
        var (name, arch) = withMlp ? Backbone(block) : (block.Name, Arch(block));
        var fits = withMlp
            ? block.Name == "extractor_with_mlp" && name == "vit" && arch == entry.Arch && MlpFeatures(block).SequenceEqual(entry.MlpFeatures)
            : name == entry.Extractor && arch == entry.Arch;
        if (!fits)
        {
            yield return $"{path} = '{entry.Key}' holds the weights of {PretrainedSupport.ExpectedBlock(entry)} " +
                         $"(OML builds it with {string.Join(", ", entry.InitArgs.Where(a => a.Key is not ("arch" or "extractor")).Select(a => $"{a.Key}: {Yaml(a.Value)}"))}); " +
                         $"the block is {Describe(block)}";
        }
    }

    private static string Describe(ConfigBlock block)
    {
        if (block.Name != "extractor_with_mlp") return $"{{name: {block.Name}, args: {{arch: {Arch(block) ?? "null"}}}}}";
        var (name, arch) = Backbone(block);
        return $"{{name: extractor_with_mlp, args: {{extractor: {{name: {name ?? "null"}, args: {{arch: {arch ?? "null"}}}}}, " +
               $"mlp_features: [{string.Join(", ", MlpFeatures(block))}]}}}}";
    }

    private static string? Arch(ConfigBlock block) => block.Args.GetValueOrDefault("arch") as string;

    private static (string? Name, string? Arch) Backbone(ConfigBlock block)
    {
        var inner = block.Name == "extractor_with_mlp" ? ConfigBlock.FromValue(block.Args.GetValueOrDefault("extractor"), $"{block.Path}.args.extractor") : null;
        return inner is null ? (null, null) : (inner.Name, Arch(inner));
    }

    private static IReadOnlyList<int> MlpFeatures(ConfigBlock block)
    {
        try
        {
            return block.CreateArgs().GetIntList("mlp_features", []);
        }
        catch (OmlException)
        {
            return []; // a malformed list is the registry's to report
        }
    }

    private static string Yaml(object? value) => value switch
    {
        null => "null",
        bool b => b ? "true" : "false",
        IEnumerable<int> list => $"[{string.Join(", ", list)}]",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
