using Oml.Metrics;
using Oml.Registries;

namespace Oml.Pipelines;

/// <summary>
/// The keys every pipeline that validates reads the same way (training validates every <c>valid_period</c> epochs,
/// <c>oml validate</c> once): the dataset, <c>transforms_val</c>, <c>bs_val</c>, <c>num_workers</c>, the extractor,
/// the postprocessor, <c>metric_args</c> and <c>log_images</c>. Parsed once, here, for both configs.
/// </summary>
public sealed record ValidationSettings
{
    public required string DatasetRoot { get; init; }
    public required string DataframeName { get; init; }
    public required ConfigBlock TransformsVal { get; init; }
    public required int BatchSizeVal { get; init; }
    public required int NumWorkers { get; init; }
    public required ConfigBlock Extractor { get; init; }
    public ConfigBlock? Postprocessor { get; init; }
    public required MetricArgs MetricArgs { get; init; }
    public bool LogImages { get; init; }

    /// <param name="logImagesByDefault">OML's training writes no worst-query figures unless asked; its validation does.</param>
    /// <param name="transformsKey">The key of the validation transform (the postprocessor pipeline's <c>transforms_extraction</c>).</param>
    /// <param name="batchSizeKey">The key of the validation batch size (the postprocessor pipeline's <c>batch_size_inference</c>).</param>
    public static ValidationSettings Read(BlockArgs root, bool logImagesByDefault, string transformsKey = "transforms_val", string batchSizeKey = "bs_val") => new()
    {
        DatasetRoot = root.GetString("dataset_root"),
        DataframeName = root.GetString("dataframe_name"),
        TransformsVal = root.GetRequiredBlock(transformsKey, "{name: norm_resize_torch, args: {im_size: 224}}"),
        BatchSizeVal = Positive(root, batchSizeKey),
        NumWorkers = root.GetInt("num_workers", 0),
        Extractor = root.GetRequiredBlock("extractor", "{name: resnet, args: {arch: resnet18, remove_fc: true, gem_p: null, normalise_features: false, weights: null}}"),
        Postprocessor = root.GetBlock("postprocessor"),
        MetricArgs = MetricArgsBlock.Read(root),
        LogImages = root.GetBool("log_images", logImagesByDefault),
    };

    internal static int Positive(BlockArgs root, string key)
    {
        var value = root.GetInt(key);
        return value >= 1 ? value : throw new OmlException($"{key} = {value} is not valid: expected an integer >= 1");
    }
}
