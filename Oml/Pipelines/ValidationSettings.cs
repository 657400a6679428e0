using Oml.Images;
using Oml.Metrics;
using Oml.Registries;

namespace Oml.Pipelines;

/// <summary>
/// The keys every pipeline that validates reads the same way (training validates every <c>valid_period</c> epochs,
/// <c>oml validate</c> once): the dataset, <c>transforms_val</c>, <c>bs_val</c>, <c>num_workers</c>, the extractor,
/// the postprocessor, <c>metric_args</c>, <c>retrieval</c>, <c>log_images</c> and <c>max_image_pixels</c>. Parsed once, here, for both configs.
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

    /// <summary><c>retrieval</c>: the search of validation (<c>exact</c> when absent, or <c>usearch</c>; docs/approximate-retrieval.md).</summary>
    public ConfigBlock? Retrieval { get; init; }
    public bool LogImages { get; init; }

    /// <summary>
    /// <c>max_image_pixels</c>: the largest width x height an image may announce before it is decoded (the
    /// decompression-bomb guard; default PIL's <c>MAX_IMAGE_PIXELS</c>, <see cref="ImageDecoder.DefaultMaxPixels"/>).
    /// </summary>
    public long MaxImagePixels { get; init; } = ImageDecoder.DefaultMaxPixels;

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
        Retrieval = root.GetBlock("retrieval"),
        LogImages = root.GetBool("log_images", logImagesByDefault),
        MaxImagePixels = ReadMaxImagePixels(root),
    };

    /// <summary><c>max_image_pixels</c> (a positive integer; the default when absent or null), read the same by every pipeline that decodes images.</summary>
    public static long ReadMaxImagePixels(BlockArgs root)
    {
        var value = root.GetLong("max_image_pixels", ImageDecoder.DefaultMaxPixels);
        return value >= 1 ? value : throw new OmlException(
            $"max_image_pixels = {value} is not valid: expected the largest width x height to decode, a positive integer (default {ImageDecoder.DefaultMaxPixels}, PIL's MAX_IMAGE_PIXELS)");
    }

    internal static int Positive(BlockArgs root, string key)
    {
        var value = root.GetInt(key);
        return value >= 1 ? value : throw new OmlException($"{key} = {value} is not valid: expected an integer >= 1");
    }
}
