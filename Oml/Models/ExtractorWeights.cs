using Oml.Weights;
using Oml.Zoo;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// The <c>weights</c> arg of an extractor block: null (random initialisation), a checkpoint written by
/// <c>oml train</c> (<c>best.ckpt</c>, <c>last.ckpt</c>; not one of <c>oml train-postprocessor</c>, which holds a pairwise
/// model), or a PyTorch / Lightning / safetensors / TorchSharp weights
/// file (OML checkpoints included: <c>state_dict</c> nesting, prefixes and <c>criterion.*</c> keys are handled), or
/// an offline zoo key (<see cref="ModelZoo.OfflineKeys"/>: <c>resnet18_mlnet_imagenet</c>, converted once and cached).
/// </summary>
public static class ExtractorWeights
{
    public static void Load(nn.Module extractor, string? weights, string path)
    {
        if (weights is null) return;
        if (weights == MlNetResnet18.ZooKey && !File.Exists(weights))
        {
            if (extractor is not ResnetExtractor { RemoveFc: true } resnet || !resnet.Spec.Matches(ResnetSpec.ForArch(ResnetArch.Resnet18MlNet)))
            {
                throw new OmlException($"{path} = '{weights}' is the ML.NET ResNet-18 (BasicBlocks [2, 2, 2, 3], no classifier): " +
                                       $"it loads into ResnetExtractor(\"{MlNetResnet18.Arch}\", removeFc: true) only, not into {Describe(extractor)}");
            }
            ModuleWeights.Load(extractor, MlNetResnet18.WeightsFile(), strict: true);
            return;
        }
        if (ModelZoo.Keys.Contains(weights) && !File.Exists(weights)) throw new OmlException(ModelZoo.OfflineMessage(path, weights));
        if (!File.Exists(weights)) throw new OmlException($"{path}: the weights file {weights} does not exist");
        if (CheckpointFile.IsCheckpoint(weights))
        {
            try
            {
                CheckpointFile.LoadExtractor(weights, extractor);
            }
            catch (OmlException e)
            {
                // e.g. a checkpoint of oml train-postprocessor (a pairwise model) given as an extractor's weights
                throw new OmlException($"{path}: {e.Message}", e.Details, e);
            }
            return;
        }
        ModuleWeights.Load(extractor, weights, strict: true);
    }

    private static string Describe(nn.Module extractor) => extractor is ResnetExtractor r
        ? $"a ResNet with blocks [{string.Join(", ", r.Spec.BlocksPerStage)}], {r.Spec.Padding} padding{(r.RemoveFc ? "" : " and an fc head")}"
        : extractor.GetType().Name;
}
