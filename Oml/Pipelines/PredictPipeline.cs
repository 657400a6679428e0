using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Oml.Data;
using Oml.Images;
using Oml.IO;
using Oml.Pipelines.Events;
using Oml.Runtime;
using Oml.Training;
using static TorchSharp.torch;

namespace Oml.Pipelines;

/// <summary>
/// <c>oml predict</c>: OML's prediction pipeline
/// (<c>oml/lightning/pipelines/predict.py: extractor_prediction_pipeline</c>). Embeds every image under <c>data_dir</c> (sorted by path)
/// or every row of <c>dataframe</c>, and writes <c>embeddings.npy</c> + <c>paths.csv</c> and, for compatibility,
/// OML's <c>predictions.json</c> (<c>{path: [floats]}</c>). Unreadable images are all listed before anything runs.
/// With <c>engine: onnxruntime</c> ONNX Runtime computes the embeddings from the same image batches: the model given as
/// <c>engine.args.model</c>, or the extractor block exported to <c>save_dir/extractor.onnx</c> first (and checked).
/// </summary>
public static class PredictPipeline
{
    private static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp"];

    public static PredictionRunResult Run(PredictPipelineConfig config, IProgress<PipelineEvent>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        void Emit(PipelineEvent e) => progress?.Report(e with { Elapsed = clock.Elapsed });
        TorchRuntime.EnsureLoaded();
        using var decoding = ImageDecoder.Use(ImageDecoder.WithMaxPixels(config.MaxImagePixels));
        var dataframe = config.Dataframe is null ? null : ResolveDataframe(config);
        if (config.Inference.Model is { } model && !File.Exists(model)) throw new OmlException($"{InferenceEngineSettings.ModelKey}: {model} does not exist");
        if (config.Extractor is null) PipelineParts.ThrowIfInputsMissing(dataframe, NoExtractor, config.TransformsPredict);
        else PipelineParts.ThrowIfInputsMissing(dataframe, config.Extractor, config.TransformsPredict);
        return OutputLocation.InFolder(config.SaveDir, "save_dir", () => Run(config, Emit, clock, cancellationToken));
    }

    private static PredictionRunResult Run(PredictPipelineConfig config, Action<PipelineEvent> emit, Stopwatch clock, CancellationToken cancellationToken)
    {
        foreach (var note in config.Notes) emit(new PipelineNote(note));

        var (frame, rows, displayPaths) = config.DataDir is not null ? FromFolder(config.DataDir) : FromDataframe(config);
        var dataset = new ImageDataset(frame, rows, PipelineParts.Transform(config.TransformsPredict));
        using var givenModel = config.Inference.Model is { } path ? OpenModel(path, config, dataset.Transform, emit) : null;
        ThrowIfUnreadable(dataset, displayPaths);

        var engine = RunEngine(config, dataset, givenModel, emit, cancellationToken);
        using var embeddings = engine.Embeddings;

        var n = (int)embeddings.shape[0];
        var d = (int)embeddings.shape[1];
        var values = embeddings.data<float>().ToArray();
        var npy = Path.Combine(config.SaveDir, "embeddings.npy");
        var csv = Path.Combine(config.SaveDir, "paths.csv");
        var json = Path.Combine(config.SaveDir, "predictions.json");
        OutputLocation.Writing("save_dir", () => Write(npy, csv, json, values, n, d, displayPaths));
        return new PredictionRunResult(n, d, npy, csv, json, clock.Elapsed.TotalSeconds)
        {
            Engine = config.Inference.Engine,
            OnnxModel = engine.OnnxModel,
            OnnxExport = engine.Export,
            Embeddings = values,
            Paths = displayPaths,
            Rows = rows,
            Frame = frame,
            Labels = config.DataDir is null ? rows.Select(r => r.Label).ToArray() : null,
        };
    }

    /// <summary>An extractor block with nothing to check, for a config that runs an ONNX model instead.</summary>
    private static readonly Registries.ConfigBlock NoExtractor = new("onnx", new Dictionary<string, object?>(), "extractor");

    private sealed record EngineRun(Tensor Embeddings, string? OnnxModel, Onnx.OnnxExportResult? Export);

    /// <summary>The embeddings of every image by the configured engine, as one [N, D] CPU tensor.</summary>
    private static EngineRun RunEngine(PredictPipelineConfig config, ImageDataset dataset, Onnx.OnnxRuntimeExtractor? givenModel, Action<PipelineEvent> emit,
        CancellationToken cancellationToken)
    {
        void Progress(int done, int total) => emit(new ValidationProgress(done, total));
        if (config.Inference.Engine == InferenceEngine.Torch)
        {
            var device = new Device(config.Engine.Device);
            using var extractor = PipelineParts.Extractor(config.Extractor!, device);
            emit(new ValidationStarted(0, dataset.Count));
            return new EngineRun(EmbeddingExtraction.Run(extractor, dataset, config.BatchSize, config.NumWorkers, device, Progress, cancellationToken), null, null);
        }
        if (givenModel is not null)
        {
            emit(new ValidationStarted(0, dataset.Count));
            return new EngineRun(EmbeddingExtraction.Run(givenModel.Extract, dataset, config.BatchSize, config.NumWorkers, Progress, cancellationToken), givenModel.ModelPath, null);
        }

        var export = ExportPipeline.Run(new ExportPipelineConfig
        {
            Source = "the prediction config",
            FromCheckpoint = false,
            Extractor = config.Extractor!,
            Transform = config.TransformsPredict,
            OnnxPath = Path.Combine(config.SaveDir, ExportedModelName),
            OnnxPathName = "save_dir",
        });
        foreach (var note in export.Notes) emit(new PipelineNote(note));
        emit(new PipelineNote(string.Create(CultureInfo.InvariantCulture,
            $"exported the extractor to {export.Path}; ONNX Runtime matches TorchSharp within {export.MaxAbsDifference:G3} (max abs)")));
        using var runtime = new Onnx.OnnxRuntimeExtractor(export.Path, config.Inference.Threads, "the exported model");
        emit(new ValidationStarted(0, dataset.Count));
        return new EngineRun(EmbeddingExtraction.Run(runtime.Extract, dataset, config.BatchSize, config.NumWorkers, Progress, cancellationToken), export.Path, export);
    }

    /// <summary>
    /// The model of <c>engine.args.model</c>, loaded before any image is decoded: an input size other than what
    /// transforms_predict makes is an error, another transform in its metadata a note.
    /// </summary>
    private static Onnx.OnnxRuntimeExtractor OpenModel(string path, PredictPipelineConfig config, IImageTransform transform, Action<PipelineEvent> emit)
    {
        var runtime = new Onnx.OnnxRuntimeExtractor(path, config.Inference.Threads, InferenceEngineSettings.ModelKey);
        try
        {
            ThrowIfInputDiffers(runtime, transform, config.TransformsPredict);
        }
        catch
        {
            runtime.Dispose();
            throw;
        }
        foreach (var note in TransformNotes(runtime, config.TransformsPredict)) emit(new PipelineNote(note));
        return runtime;
    }

    /// <summary>The file name of the model <c>engine: onnxruntime</c> exports into <c>save_dir</c>.</summary>
    public const string ExportedModelName = "extractor.onnx";

    /// <summary>A model whose fixed input size differs from what transforms_predict makes is an error.</summary>
    private static void ThrowIfInputDiffers(Onnx.OnnxRuntimeExtractor runtime, IImageTransform transform, Registries.ConfigBlock block)
    {
        var size = transform.OutputSize(97, 61);
        if (size != transform.OutputSize(61, 97)) return;
        long height = runtime.InputShape[2], width = runtime.InputShape[3];
        if ((height < 0 || height == size.Height) && (width < 0 || width == size.Width)) return;
        throw new OmlException(string.Create(CultureInfo.InvariantCulture,
            $"{runtime.ModelPath} takes {height}x{width} images but {block.Path} = {block.Name} makes {size.Height}x{size.Width}; use the transform the model was exported with (its metadata names it)"));
    }

    /// <summary>A note when the model's metadata names another transform than transforms_predict.</summary>
    private static IEnumerable<string> TransformNotes(Onnx.OnnxRuntimeExtractor runtime, Registries.ConfigBlock block)
    {
        if (!runtime.Metadata.TryGetValue(Onnx.OnnxMetadataKeys.Transform, out var exported) || exported == block.Name) yield break;
        yield return $"{runtime.ModelPath} was exported for the transform {exported} {runtime.Metadata.GetValueOrDefault(Onnx.OnnxMetadataKeys.TransformArgs)}, " +
                     $"but {block.Path} = {block.Name}: the embeddings may not be what the model was trained for";
    }

    /// <summary><c>embeddings.npy</c>, <c>paths.csv</c> and OML's <c>predictions.json</c>, each atomically.</summary>
    private static void Write(string npy, string csv, string json, float[] values, int n, int d, string[] displayPaths)
    {
        NpyFile.WriteMatrix(npy, new NpyArray(values, n, d));
        var csvText = new StringBuilder("index,path\n");
        for (var i = 0; i < n; i++) csvText.Append(CultureInfo.InvariantCulture, $"{i},{CsvField(displayPaths[i])}\n");
        AtomicFile.WriteAllText(csv, csvText.ToString());
        AtomicFile.Write(json, stream =>
        {
            using var writer = new Utf8JsonWriter(stream);
            writer.WriteStartObject();
            for (var i = 0; i < n; i++)
            {
                writer.WriteStartArray(displayPaths[i]);
                for (var j = 0; j < d; j++) writer.WriteNumberValue(values[i * d + j]);
                writer.WriteEndArray();
            }
            writer.WriteEndObject();
        });
    }

    private static string ResolveDataframe(PredictPipelineConfig config) =>
        config.DatasetRoot is null ? config.Dataframe! : Path.Combine(config.DatasetRoot, config.Dataframe!);

    private static (DatasetFrame, IReadOnlyList<DatasetRow>, string[]) FromFolder(string dataDir)
    {
        if (!Directory.Exists(dataDir)) throw new OmlException($"data_dir = {dataDir} is not a folder");
        var files = Directory.EnumerateFiles(dataDir, "*", SearchOption.AllDirectories)
            .Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Select(f => Path.GetRelativePath(dataDir, f))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (files.Length == 0) throw new OmlException($"data_dir = {dataDir} has no images ({string.Join(", ", Extensions)}, in any subfolder)");
        var rows = files.Select(f => DatasetRow.Validation(0, f)).ToArray();
        var frame = DatasetFrame.FromRows(rows, dataDir, checkValidationRetrieval: false); // one label: prediction does no retrieval
        return (frame, frame.Validation, files.Select(f => Path.Combine(dataDir, f)).ToArray());
    }

    private static (DatasetFrame, IReadOnlyList<DatasetRow>, string[]) FromDataframe(PredictPipelineConfig config)
    {
        var csv = ResolveDataframe(config);
        var root = config.DatasetRoot ?? Path.GetDirectoryName(Path.GetFullPath(csv))!;
        var frame = DatasetFrame.Load(csv, new DatasetLoadOptions { DatasetRoot = root, CheckFilesExist = true, CheckValidationRetrieval = false });
        return (frame, frame.Rows, frame.Rows.Select(r => r.Path).ToArray());
    }

    /// <summary>OML opens every file before predicting and lists the broken ones; so does this.</summary>
    private static void ThrowIfUnreadable(ImageDataset dataset, string[] paths)
    {
        var broken = new System.Collections.Concurrent.ConcurrentBag<(int Index, string Message)>();
        Parallel.For(0, dataset.Count, i =>
        {
            try
            {
                using var image = dataset.Decode(i);
            }
            catch (OmlException e)
            {
                broken.Add((i, e.Message));
            }
        });
        if (broken.IsEmpty) return;
        var details = broken.OrderBy(b => b.Index).Select(b => b.Message).ToArray();
        throw new OmlException($"{details.Length} of {dataset.Count} images cannot be read; nothing was predicted", details);
    }

    private static string CsvField(string text) =>
        text.IndexOfAny([',', '"', '\n']) < 0 ? text : "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
