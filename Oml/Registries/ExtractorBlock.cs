using Oml.Zoo;

namespace Oml.Registries;

/// <summary>Checks of an <c>extractor</c> block (and the extractor blocks nested in it) before anything is built.</summary>
public static class ExtractorBlock
{
    /// <summary>What would stop <see cref="Models.ExtractorWeights.Load"/> for this extractor block and the blocks nested in it, without loading anything.</summary>
    public static IEnumerable<string> WeightsProblems(ConfigBlock block)
    {
        if (block.Args.GetValueOrDefault("weights") is string offline && ModelZoo.OfflineKeys.Contains(offline) && !File.Exists(offline))
        {
            foreach (var problem in ModelZoo.OfflineKeyProblems(offline, block.Name, block.Args, block.Path)) yield return problem;
        }
        else if (block.Args.GetValueOrDefault("weights") is string weights && !File.Exists(weights))
        {
            yield return ModelZoo.Keys.Contains(weights)
                ? ModelZoo.OfflineMessage($"{block.Path}.args.weights", weights)
                : $"{block.Path}.args.weights: the weights file {weights} does not exist";
        }
        if (block.Args.GetValueOrDefault("extractor") is { } nested)
        {
            var inner = ConfigBlock.FromValue(nested, $"{block.Path}.args.extractor");
            if (inner is not null)
            {
                foreach (var problem in WeightsProblems(inner)) yield return problem;
            }
        }
    }
}
