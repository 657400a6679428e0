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
        PipelineParts.ThrowIfInputsMissing(config.Dataframe is null ? null : ResolveDataframe(config), config.Extractor, config.TransformsPredict);
        return OutputLocation.InFolder(config.SaveDir, "save_dir", () => Run(config, Emit, clock, cancellationToken));
    }

    private static PredictionRunResult Run(PredictPipelineConfig config, Action<PipelineEvent> emit, Stopwatch clock, CancellationToken cancellationToken)
    {
        foreach (var note in config.Notes) emit(new PipelineNote(note));

        var (frame, rows, displayPaths) = config.DataDir is not null ? FromFolder(config.DataDir) : FromDataframe(config);
        var dataset = new ImageDataset(frame, rows, PipelineParts.Transform(config.TransformsPredict));
        ThrowIfUnreadable(dataset, displayPaths);

        var device = new Device(config.Engine.Device);
        using var extractor = PipelineParts.Extractor(config.Extractor, device);
        emit(new ValidationStarted(0, dataset.Count));
        using var embeddings = EmbeddingExtraction.Run(extractor, dataset, config.BatchSize, config.NumWorkers, device,
            (done, total) => emit(new ValidationProgress(done, total)), cancellationToken);

        var n = (int)embeddings.shape[0];
        var d = (int)embeddings.shape[1];
        var values = embeddings.data<float>().ToArray();
        var npy = Path.Combine(config.SaveDir, "embeddings.npy");
        var csv = Path.Combine(config.SaveDir, "paths.csv");
        var json = Path.Combine(config.SaveDir, "predictions.json");
        OutputLocation.Writing("save_dir", () => Write(npy, csv, json, values, n, d, displayPaths));
        return new PredictionRunResult(n, d, npy, csv, json, clock.Elapsed.TotalSeconds)
        {
            Embeddings = values,
            Paths = displayPaths,
            Rows = rows,
            Frame = frame,
            Labels = config.DataDir is null ? rows.Select(r => r.Label).ToArray() : null,
        };
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
