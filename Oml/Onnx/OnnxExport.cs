using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using Google.Protobuf;
using Oml.Images;
using Oml.IO;
using Oml.Models;
using Onnx;
using static TorchSharp.torch;

namespace Oml.Onnx;

/// <summary>
/// Exports a feature extractor to ONNX and proves the file right: the graph (opset <see cref="Opset"/>, input
/// <see cref="InputName"/> [batch, 3, H, W], output <see cref="OutputName"/> [batch, D], the batch dimension dynamic)
/// is written with OnnxSharp's protobuf classes to a temporary file, which ONNX Runtime then runs on real images at
/// batch sizes 1 and 3; only when its features equal the TorchSharp forward's within the tolerance is the file renamed
/// to <c>path</c>. Batch norms are folded into the convolutions' weights and biases (computed in double): the file is an
/// inference graph, half the nodes, and ONNX Runtime folds them anyway when it loads a graph. The preprocessing the
/// network expects goes into <c>metadata_props</c> (<see cref="OnnxMetadataKeys"/>, docs/onnx.md).
/// </summary>
public static class OnnxExport
{
    /// <summary>
    /// ONNX opset 17: the first with LayerNormalization (ViT), old enough for every current runtime (ONNX Runtime
    /// implements it since 1.13); nothing of later opsets is needed.
    /// </summary>
    public const int Opset = 17;

    /// <summary>The IR version of opset 17 (ONNX 1.12).</summary>
    public const long IrVersion = 8;

    public const string InputName = "images";
    public const string OutputName = "embeddings";

    /// <summary>The name of the input's and the output's first (dynamic) dimension.</summary>
    public const string BatchDimension = "batch";

    /// <summary>The input side of a ResNet when nothing chooses one: ImageNet's.</summary>
    public const int DefaultImageSize = 224;

    /// <summary>
    /// Writes <paramref name="extractor"/> (its current weights, in inference mode) to <paramref name="path"/> and checks it
    /// with ONNX Runtime. A network that cannot be exported, a path that cannot be written or a failed check is an
    /// <see cref="OmlException"/>, and <paramref name="path"/> is then left as it was.
    /// </summary>
    public static OnnxExportResult Export(Extractor extractor, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= new OnnxExportOptions();
        var clock = Stopwatch.StartNew();
        ExtractorOnnxGraph.EnsureSupported(extractor);
        ExtractorOnnxGraph.EnsureFitsOneFile(extractor);
        var notes = new List<string>();
        var size = InputSize(extractor, options, notes);
        ExtractorOnnxGraph.EnsureInputSize(extractor, size);
        var transform = options.Transform ?? new ResizeTransform(size, ChannelNormalization.ImageNet);
        var preprocessing = options.Transform is null
            ? OnnxPreprocessing.Describe(transform, "norm_resize_torch", new Dictionary<string, object?> { ["im_size"] = (long)size })
            : OnnxPreprocessing.Describe(transform, options.TransformName, options.TransformArgs);

        var rendered = options.CheckImages is null ? ExportCheckImages.Render(size) : null;
        float[] batch, expected;
        int count;
        try
        {
            var images = options.CheckImages ?? rendered!;
            if (images.Count == 0) throw new OmlException("the export's check needs at least one image");
            count = images.Count;
            batch = Prepare(images, transform, size);
            expected = TorchFeatures(extractor, batch, count, size);
        }
        finally
        {
            foreach (var image in rendered ?? []) image.Dispose();
        }

        var metadata = Metadata(extractor, size, preprocessing, options.Metadata);
        var model = BuildModel(extractor, size, metadata);
        var difference = double.NaN;
        var largest = FeatureDifference.LargestAbs(expected);
        int[] batchSizes = count == 1 ? [1] : [1, count];
        OutputLocation.ForFile(path, options.PathName, () =>
        {
            AtomicFile.Write(path, stream => model.WriteTo(stream), temp => difference = Check(temp, path, batch, expected, count, size, largest, options));
            return true;
        });
        return new OnnxExportResult
        {
            Path = path,
            Bytes = new FileInfo(path).Length,
            Opset = Opset,
            Architecture = metadata[OnnxMetadataKeys.Architecture],
            InputName = InputName,
            InputShape = [BatchDimension, "3", Text(size), Text(size)],
            OutputName = OutputName,
            OutputShape = [BatchDimension, Text(extractor.FeatDim)],
            Metadata = metadata,
            MaxAbsDifference = difference,
            Tolerance = options.Tolerance,
            LargestFeature = largest,
            CheckedBatchSizes = batchSizes,
            CheckImages = options.CheckImages is null ? $"{count} mock-dataset images" : $"{count} given images",
            Seconds = clock.Elapsed.TotalSeconds,
            Notes = notes,
        };
    }

    /// <summary>The ONNX model of <paramref name="extractor"/> for square inputs of <paramref name="imageSize"/> pixels (not checked).</summary>
    public static ModelProto BuildModel(Extractor extractor, int imageSize, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        ExtractorOnnxGraph.EnsureSupported(extractor);
        var graph = new OnnxGraphBuilder("oml_extractor");
        graph.Input(InputName, [-1, 3, imageSize, imageSize], BatchDimension);
        using (no_grad()) ExtractorOnnxGraph.Features(graph, InputName, extractor, imageSize, imageSize);
        graph.NameLastOutput(OutputName);
        graph.Output(OutputName, [-1, extractor.FeatDim], BatchDimension);
        graph.Graph.DocString = "images [batch, 3, H, W], prepared as the metadata says, to feature vectors [batch, D]";

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Oml.Interactive",
            ProducerVersion = typeof(OnnxExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
            DocString = "An image feature extractor for retrieval exported by Oml (Open Metric Learning for .NET).",
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>()) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    private static int InputSize(Extractor extractor, OnnxExportOptions options, List<string> notes)
    {
        var fixedSize = FixedOutputSize(options.Transform);
        if (options.ImageSize is { } requested)
        {
            if (requested < 1) throw new OmlException($"the input size must be a positive number of pixels, got {requested}");
            if (fixedSize is { } size && size != requested)
            {
                throw new OmlException(string.Create(CultureInfo.InvariantCulture,
                    $"the transform {options.TransformName ?? options.Transform!.GetType().Name} makes {size}x{size} images, so the model's input is {size} px, not {requested}; leave the input size out or change the transform"));
            }
            return requested;
        }
        if (fixedSize is { } fromTransform) return fromTransform;
        var natural = NaturalSize(extractor);
        if (options.Transform is not null)
        {
            notes.Add(string.Create(CultureInfo.InvariantCulture,
                $"the transform {options.TransformName ?? options.Transform.GetType().Name} keeps each image's size, so the input is {natural}x{natural} px (the network's own); images must be resized to it first (choose another with --im-size)"));
        }
        return natural;
    }

    /// <summary>The side every output of <paramref name="transform"/> has, or null when it depends on the image.</summary>
    private static int? FixedOutputSize(IImageTransform? transform)
    {
        if (transform is null) return null;
        var a = transform.OutputSize(97, 61);
        var b = transform.OutputSize(61, 97);
        if (a != b) return null;
        if (a.Width != a.Height) throw new OmlException($"the transform {transform.GetType().Name} makes {a.Width}x{a.Height} images; the export takes square inputs");
        return a.Width;
    }

    private static int NaturalSize(Extractor extractor) => extractor switch
    {
        ViTExtractor vit => vit.Spec.ImageSize,
        ViTClipExtractor clip => clip.Spec.InputResolution,
        ViTUnicomExtractor unicom => unicom.Spec.InputSize,
        ExtractorWithMlp withMlp => NaturalSize(withMlp.Backbone),
        _ => DefaultImageSize,
    };

    private static Dictionary<string, string> Metadata(Extractor extractor, int size, OnnxPreprocessing preprocessing, IReadOnlyDictionary<string, string> extra)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [OnnxMetadataKeys.Architecture] = ExtractorOnnxGraph.Describe(extractor),
            [OnnxMetadataKeys.FeatureDim] = Text(extractor.FeatDim),
            [OnnxMetadataKeys.NormalisedFeatures] = IsNormalised(extractor) ? "true" : "false",
            [OnnxMetadataKeys.InputHeight] = Text(size),
            [OnnxMetadataKeys.InputWidth] = Text(size),
        };
        foreach (var (key, value) in preprocessing.ToMetadata()) metadata[key] = value;
        foreach (var (key, value) in extra) metadata[key] = value;
        return metadata;
    }

    /// <summary>Whether the output rows have unit norm: the outermost normalisation (an MLP after a normalised backbone undoes it).</summary>
    private static bool IsNormalised(Extractor extractor) => extractor.Normalisation != FeatureNormalisation.None;

    /// <summary>The check images through the transform, as one [count, 3, size, size] batch.</summary>
    private static float[] Prepare(IReadOnlyList<RgbImage> images, IImageTransform transform, int size)
    {
        var sample = 3 * size * size;
        var batch = new float[images.Count * sample];
        for (var i = 0; i < images.Count; i++)
        {
            var output = transform.OutputSize(images[i].Width, images[i].Height);
            if (output.Width != size || output.Height != size)
            {
                throw new OmlException(string.Create(CultureInfo.InvariantCulture,
                    $"check image {i} ({images[i].Width}x{images[i].Height}) becomes {output.Width}x{output.Height} through the transform, not the input's {size}x{size}"));
            }
            transform.Apply(images[i], new Random(i), batch.AsSpan(i * sample, sample));
        }
        return batch;
    }

    /// <summary>The extractor's features of the batch in inference mode, on its own device; its train / eval mode is restored.</summary>
    private static float[] TorchFeatures(Extractor extractor, float[] batch, int count, int size)
    {
        var wasTraining = extractor.training;
        extractor.eval();
        try
        {
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            var device = extractor.parameters().FirstOrDefault()?.device ?? CPU;
            var features = extractor.forward(tensor(batch, [count, 3, size, size]).to(device));
            return features.cpu().to(ScalarType.Float32).contiguous().data<float>().ToArray();
        }
        finally
        {
            extractor.train(wasTraining);
        }
    }

    /// <summary>ONNX Runtime's features of the written file, the whole batch and its first image alone, against TorchSharp's.</summary>
    private static double Check(string file, string path, float[] batch, float[] expected, int count, int size, double largest, OnnxExportOptions options)
    {
        using var runtime = new OnnxRuntimeExtractor(file, options.Threads, "the exported model");
        var all = runtime.Extract(batch, count, size, size);
        var dim = expected.Length / count;
        var single = runtime.Extract(batch[..(3 * size * size)], 1, size, size);
        var difference = Math.Max(FeatureDifference.MaxAbs(all, expected), FeatureDifference.MaxAbs(single, expected.AsSpan(0, dim)));
        var allowed = FeatureDifference.Allowed(options.Tolerance, largest);
        if (difference <= allowed) return difference;
        throw new OmlException(string.Create(CultureInfo.InvariantCulture,
            $"the exported model's features in ONNX Runtime differ from TorchSharp's by {difference:G3} (max abs; {allowed:G3} allowed: the tolerance {options.Tolerance:G3} times the largest feature {largest:G3}, at least 1) " +
            $"on {count} check images, so {path} was not written; this is a fault of the export, please report it with the extractor's config"));
    }

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
