using Oml.Data;
using Oml.Images;
using Oml.Models;
using Oml.Registries;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Pipelines;

/// <summary>The steps that train, validate and predict share: checking paths up front, reading the dataframe, building blocks.</summary>
internal static class PipelineParts
{
    /// <summary>Every missing input at once (dataframe, weights), so a config fails with all its reasons in one message.</summary>
    public static void ThrowIfInputsMissing(string? dataframePath, ConfigBlock extractor)
    {
        var problems = new List<string>();
        if (dataframePath is not null && !File.Exists(dataframePath))
        {
            problems.Add($"dataset_root/dataframe_name: {dataframePath} does not exist (make one with 'oml dataset mock <dir>' or 'oml dataset import ...')");
        }
        problems.AddRange(ExtractorWeights.Problems(extractor));
        if (problems.Count == 1) throw new OmlException(problems[0]);
        if (problems.Count > 1) throw new OmlException($"the config cannot run here: {problems.Count} inputs are missing", problems);
    }

    public static DatasetFrame LoadFrame(string datasetRoot, string dataframeName)
    {
        var csv = Path.Combine(datasetRoot, dataframeName);
        return DatasetFrame.Load(csv, new DatasetLoadOptions { DatasetRoot = datasetRoot, CheckFilesExist = true });
    }

    public static IImageTransform Transform(ConfigBlock block) => Registry.Transforms.Create(block.Name, block.CreateArgs());

    public static Extractor Extractor(ConfigBlock block, Device device)
    {
        var extractor = Registry.Extractors.Create(block.Name, block.CreateArgs());
        return device.type == DeviceType.CPU ? extractor : extractor.to(device);
    }
}
