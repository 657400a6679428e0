using Oml.Registries;
using Oml.Training;
using Oml.Weights;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// The <c>weights</c> arg of an extractor block: null (random initialisation), a checkpoint written by
/// <c>oml train</c> (<c>best.ckpt</c>, <c>last.ckpt</c>), or a PyTorch / Lightning / safetensors / TorchSharp weights
/// file (OML checkpoints included: <c>state_dict</c> nesting, prefixes and <c>criterion.*</c> keys are handled).
/// </summary>
public static class ExtractorWeights
{
    public static void Load(nn.Module extractor, string? weights, string path)
    {
        if (weights is null) return;
        if (ModelZoo.Keys.Contains(weights) && !File.Exists(weights)) throw new OmlException(ModelZoo.OfflineMessage(path, weights));
        if (!File.Exists(weights)) throw new OmlException($"{path}: the weights file {weights} does not exist");
        if (TrainingCheckpoint.IsCheckpoint(weights))
        {
            TrainingCheckpoint.LoadExtractor(weights, extractor);
            return;
        }
        ModuleWeights.Load(extractor, weights, strict: true);
    }

    /// <summary>What would stop <see cref="Load"/> for this block and the blocks nested in it, without loading anything.</summary>
    public static IEnumerable<string> Problems(ConfigBlock block)
    {
        if (block.Args.GetValueOrDefault("weights") is string weights && !File.Exists(weights))
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
                foreach (var problem in Problems(inner)) yield return problem;
            }
        }
    }
}
