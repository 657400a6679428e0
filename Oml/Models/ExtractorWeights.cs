using Oml.Weights;
using Oml.Zoo;
using static TorchSharp.torch;

namespace Oml.Models;

/// <summary>
/// The <c>weights</c> arg of an extractor block: null (random initialisation), a checkpoint written by
/// <c>oml train</c> (<c>best.ckpt</c>, <c>last.ckpt</c>; not one of <c>oml train-postprocessor</c>, which holds a pairwise
/// model), or a PyTorch / Lightning / safetensors / TorchSharp weights
/// file (OML checkpoints included: <c>state_dict</c> nesting, prefixes and <c>criterion.*</c> keys are handled), or
/// a key of OML's model zoo (<see cref="PretrainedWeights"/>: a local file of that name first, then the cache, then a
/// download), or the offline key <c>resnet18_mlnet_imagenet</c> (converted once and cached). As in OML, a ResNet
/// built with <c>remove_fc</c> leaves out the file's <c>fc.*</c> keys, and a CLIP takes the <c>visual.*</c> part of a
/// whole CLIP's file (an OpenAI TorchScript archive or a ruCLIP state dict, <see cref="ClipCheckpoint"/>).
/// </summary>
public static class ExtractorWeights
{
    public static void Load(nn.Module extractor, string? weights, string path) => Load(extractor, weights, path, zoo: null);

    /// <summary>
    /// <see cref="Load(nn.Module, string?, string)"/> with zoo keys resolved by <paramref name="zoo"/>; null takes
    /// <see cref="PretrainedWeights.FromEnvironment"/> when a key needs it.
    /// </summary>
    public static void Load(nn.Module extractor, string? weights, string path, PretrainedWeights? zoo)
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
        if (!File.Exists(weights) && (zoo is null ? ZooTable.Find(weights) : zoo.Find(weights)) is not null)
        {
            zoo ??= PretrainedWeights.FromEnvironment();
            var entry = zoo.Entry(weights);
            if (PretrainedSupport.MissingArchitecture(entry) is not null) throw new OmlException(PretrainedSupport.Unsupported(entry, path, zoo.Entries));
            if (PretrainedSupport.Mismatch(entry, extractor, path) is { } mismatch) throw new OmlException(mismatch);
            weights = zoo.Fetch(entry.Key, configPath: path);
        }
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
        using var stateDict = StateDictFile.Read(weights);
        var toLoad = extractor is ViTClipExtractor ? ClipCheckpoint.VisualPart(stateDict) : stateDict;
        ModuleWeights.Load(extractor, toLoad, strict: true, ModuleWeights.StrictAdvice, HeadLeftOut(extractor));
    }

    /// <summary>OML's ResnetExtractor drops <c>fc.weight</c> / <c>fc.bias</c> (and leaves a projector unused) when built with remove_fc.</summary>
    private static Func<string, bool>? HeadLeftOut(nn.Module extractor) =>
        extractor is ResnetExtractor { RemoveFc: true } ? key => key.StartsWith("fc.", StringComparison.Ordinal) : null;

    private static string Describe(nn.Module extractor) => extractor is ResnetExtractor r
        ? $"a ResNet with blocks [{string.Join(", ", r.Spec.BlocksPerStage)}], {r.Spec.Padding} padding{(r.RemoveFc ? "" : " and an fc head")}"
        : extractor.GetType().Name;
}
