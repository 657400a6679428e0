using Oml.Data;
using Oml.Images;
using Oml.Models;
using Oml.Registries;
using Oml.Zoo;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Pipelines;

/// <summary>The steps that train, validate and predict share: checking paths up front, reading the dataframe, building blocks.</summary>
internal static class PipelineParts
{
    /// <summary>The built-in transforms that prepare images for <see cref="MlNetResnet18"/>'s weights.</summary>
    private static readonly string[] MlNetTransforms = ["norm_resize_mlnet", "augs_mlnet"];

    /// <summary>
    /// Every missing input at once (dataframe, weights) and pretrained weights paired with a built-in transform that
    /// prepares images for other weights, so a config fails with all its reasons in one message.
    /// </summary>
    public static void ThrowIfInputsMissing(string? dataframePath, ConfigBlock extractor, params ConfigBlock[] transforms)
    {
        var problems = new List<string>();
        if (dataframePath is not null && !File.Exists(dataframePath))
        {
            problems.Add($"dataset_root/dataframe_name: {dataframePath} does not exist (make one with 'oml dataset mock <dir>' or 'oml dataset import ...')");
        }
        problems.AddRange(ExtractorBlock.WeightsProblems(extractor));
        problems.AddRange(TransformProblems(extractor, transforms));
        if (problems.Count == 1) throw new OmlException(problems[0]);
        if (problems.Count > 1) throw new OmlException($"the config cannot run here: {problems.Count} inputs are missing", problems);
    }

    /// <summary>Built-in transforms that normalise for torchvision weights while the extractor loads the ML.NET ResNet-18.</summary>
    public static IEnumerable<string> TransformProblems(ConfigBlock extractor, IEnumerable<ConfigBlock> transforms)
    {
        if (!UsesWeights(extractor, MlNetResnet18.ZooKey)) yield break;
        var builtIn = ImageTransformRegistry.CreateDefault();
        foreach (var transform in transforms)
        {
            if (!builtIn.Contains(transform.Name) || MlNetTransforms.Contains(transform.Name)) continue;
            yield return $"{transform.Path}.name = {transform.Name} prepares images for torchvision weights (RGB / 255, ImageNet mean and std), " +
                         $"but {MlNetResnet18.ZooKey} expects BGR on the 0-255 scale minus its mean image: use norm_resize_mlnet " +
                         "(validation, prediction) or augs_mlnet (training augmentations), with the same im_size";
        }
    }

    private static bool UsesWeights(ConfigBlock block, string key) =>
        block.Args.GetValueOrDefault("weights") as string == key ||
        (ConfigBlock.FromValue(block.Args.GetValueOrDefault("extractor"), $"{block.Path}.args.extractor") is { } inner && UsesWeights(inner, key));

    public static DatasetFrame LoadFrame(string datasetRoot, string dataframeName)
    {
        var csv = Path.Combine(datasetRoot, dataframeName);
        return DatasetFrame.Load(csv, new DatasetLoadOptions { DatasetRoot = datasetRoot, CheckFilesExist = true });
    }

    /// <summary>
    /// The dataset warnings about validation rows (queries without a ground truth or without a possible wrong answer,
    /// duplicates), as notes of a pipeline that only validates: the train split's warnings do not concern it.
    /// </summary>
    public static IEnumerable<string> ValidationWarningNotes(DatasetFrame frame)
    {
        var validationRows = frame.Validation.Select(r => r.RowNumber).ToHashSet();
        return frame.Warnings.Where(w => validationRows.Contains(w.Row)).Select(w => $"dataset: {w}");
    }

    public static IImageTransform Transform(ConfigBlock block) => Registry.Transforms.Create(block.Name, block.CreateArgs());

    public static Extractor Extractor(ConfigBlock block, Device device)
    {
        var extractor = Registry.Extractors.Create(block.Name, block.CreateArgs());
        return device.type == DeviceType.CPU ? extractor : extractor.to(device);
    }
}
