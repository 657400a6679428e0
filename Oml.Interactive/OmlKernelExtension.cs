using Microsoft.DotNet.Interactive;
using Microsoft.DotNet.Interactive.Commands;
using Microsoft.DotNet.Interactive.CSharp;
using Microsoft.DotNet.Interactive.Directives;
using Microsoft.DotNet.Interactive.Formatting;
using Oml.Data;
using Oml.IO;
using Oml.Pipelines;
using Oml.Pipelines.Events;
using Oml.Runtime;
using Oml.Views;
using Oml.Visualization;

namespace Oml.Interactive;

/// <summary>
/// The .NET Interactive extension: magic commands <c>#!oml-train</c>, <c>#!oml-validate</c>, <c>#!oml-predict</c>,
/// <c>#!oml-dataset</c> on the root kernel, and HTML / text formatters for Oml's results. Loaded by
/// <c>#r "nuget: Oml.Interactive"</c> (its <c>extension.dib</c> calls <see cref="Load"/>), or by hand with
/// <c>Oml.Interactive.OmlKernelExtension.Load(Kernel.Root)</c>.
/// </summary>
public sealed class OmlKernelExtension : IKernelExtension
{
    public const string TrainMagic = "#!oml-train";
    public const string ValidateMagic = "#!oml-validate";
    public const string PredictMagic = "#!oml-predict";
    public const string DatasetMagic = "#!oml-dataset";

    /// <summary>Seconds between two updates of the live training view.</summary>
    public static TimeSpan LiveUpdateInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    public Task OnLoadAsync(Kernel kernel)
    {
        Load(kernel);
        return Task.CompletedTask;
    }

    /// <summary>Registers the magics on the root of <paramref name="kernel"/> and the formatters; a second call does nothing but re-register formatters.</summary>
    public static void Load(Kernel kernel)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        var root = kernel.RootKernel;
        var natives = KernelTorchNatives.Prepare();
        TorchRuntime.Configure();
        OmlFormatters.Register();
        if (root.FindKernelByName("csharp") is CSharpKernel csharp)
        {
            // lets cells use the bound results (run.History, ...) even when the extension was loaded without #r
            csharp.AddAssemblyReferences([typeof(OmlKernelExtension).Assembly.Location, typeof(OmlException).Assembly.Location]);
        }
        if (root.KernelInfo.SupportedDirectives.Any(d => d.Name == TrainMagic)) return;

        root.AddDirective<OmlTrain>(new KernelActionDirective(TrainMagic)
        {
            Description = "Train an OML model from a YAML config: live loss and metrics, then the final metrics and the worst queries. " +
                          "Interrupt the cell to stop after the current step (a last checkpoint is kept).",
            Parameters =
            [
                .. ConfigParameters("run", "the TrainRunResult (history, step losses, metrics, last validation, checkpoints, trained extractor or pairwise model)"),
                new KernelDirectiveParameter("--pipeline", "extractor (default: OML's train pipeline) or postprocessor (OML's train_postprocessor pipeline: a pairwise re-ranker)"),
                .. ViewParameters(),
            ],
        }, (cmd, context) => Guard(context, () =>
        {
            cmd.Set = RepeatedOptions.Values(cmd, TrainMagic, "--set", cmd.Set, root);
            return TrainAsync(cmd, context);
        }));

        root.AddDirective<OmlValidate>(new KernelActionDirective(ValidateMagic)
        {
            Description = "Validate an extractor from a YAML config: metrics per category, with and without the configured postprocessor, and the worst queries.",
            Parameters = [.. ConfigParameters("val", "the ValidationRunResult (metrics, retrieval results, dataset)"), .. ViewParameters()],
        }, (cmd, context) => Guard(context, () =>
        {
            cmd.Set = RepeatedOptions.Values(cmd, ValidateMagic, "--set", cmd.Set, root);
            return ValidateAsync(cmd, context);
        }));

        root.AddDirective<OmlPredict>(new KernelActionDirective(PredictMagic)
        {
            Description = "Compute embeddings for a folder or dataframe of images from a YAML config (embeddings.npy, paths.csv).",
            Parameters = ConfigParameters("emb", "the PredictionRunResult (embeddings, paths, labels, files)"),
        }, (cmd, context) => Guard(context, () =>
        {
            cmd.Set = RepeatedOptions.Values(cmd, PredictMagic, "--set", cmd.Set, root);
            return PredictAsync(cmd, context);
        }));

        root.AddDirective<OmlDataset>(new KernelActionDirective(DatasetMagic)
        {
            Description = "Load and check an OML dataframe (df.csv): summary, problems and sample images.",
            Parameters =
            [
                new KernelDirectiveParameter("--csv", "Path of the OML dataframe (.csv); the first value without a name") { Required = true, AllowImplicitName = true },
                new KernelDirectiveParameter("--root", "Dataset root the image paths are relative to (default: the CSV's folder)"),
                new KernelDirectiveParameter("--name", "C# variable to bind the DatasetFrame to, e.g. --name ds"),
            ],
        }, (cmd, context) => Guard(context, () => DatasetAsync(cmd, context)));

        var version = typeof(OmlKernelExtension).Assembly.GetName().Version;
        KernelInvocationContext.Current?.DisplayAs(
            $"Oml.Interactive {version?.ToString(3)} loaded: {TrainMagic}, {ValidateMagic}, {PredictMagic}, {DatasetMagic}" +
            (natives.StartsWith("could not", StringComparison.Ordinal) ? $" ({natives})" : ""), "text/plain");
    }

    private static KernelDirectiveParameter[] ViewParameters() =>
    [
        new KernelDirectiveParameter("--worst", $"Worst queries shown per metric (default {RetrievalReport.DefaultWorst}; 0: none)"),
        new KernelDirectiveParameter("--metrics", "Comma-separated metrics whose worst queries are shown, e.g. --metrics OVERALL/cmc/1,OVERALL/map/5 (default: OML's metrics to visualize)"),
    ];

    private static (int Worst, IReadOnlyList<string>? Metrics) ViewOptions(string magic, string? worst, string? metrics)
    {
        var n = RetrievalReport.DefaultWorst;
        if (worst is { Length: > 0 } && (!int.TryParse(worst, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out n)))
        {
            throw new OmlException($"{magic} --worst {worst}: expected a whole number of queries, 0 or more");
        }
        var names = metrics is { Length: > 0 } ? metrics.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null;
        return (n, names);
    }

    private static KernelDirectiveParameter[] ConfigParameters(string exampleName, string bound) =>
    [
        new KernelDirectiveParameter("--config", "Path of the YAML config (OML format); the first value without a name") { Required = true, AllowImplicitName = true },
        new KernelDirectiveParameter("--set", "Override a config value, Hydra style: --set max_epochs=3 --set optimizer.args.lr=1e-4 (repeatable)") { MaxOccurrences = 100 },
        new KernelDirectiveParameter("--name", $"C# variable to bind {bound} to, e.g. --name {exampleName}"),
    ];

    /// <summary>User errors (<see cref="OmlException"/>) become a failed cell with the message and details, no stack trace.</summary>
    private static async Task Guard(KernelInvocationContext context, Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (OmlException e)
        {
            context.Fail(context.Command, message: e.ToUserText());
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            context.Fail(context.Command, message: "Cancelled.");
        }
    }

    private static async Task TrainAsync(OmlTrain cmd, KernelInvocationContext context)
    {
        var path = RequireConfig(cmd.Config);
        var config = cmd.Pipeline switch
        {
            null or "" or "extractor" => TrainPipelineConfig.Load(path, cmd.Set),
            "postprocessor" => TrainPipelineConfig.LoadPostprocessor(path, cmd.Set),
            var other => throw new OmlException($"{TrainMagic} --pipeline {other}: expected extractor (train an extractor) or postprocessor (train a pairwise re-ranker)"),
        };
        if (!config.LogImages && !config.Values.ContainsKey("log_images"))
        {
            // in a notebook the worst-query figures are the point: on unless the config says otherwise
            config = config with { Validation = config.Validation with { LogImages = true } };
        }
        var (worst, metrics) = ViewOptions(TrainMagic, cmd.Worst, cmd.Metrics);
        TorchRuntime.EnsureLoaded();
        var live = new TrainingLiveView();
        var display = KernelInvocationContextExtensions.Display(context, live, HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
        var ct = context.CancellationToken;
        var training = PipelineWorker<TrainRunResult>.Start((progress, token) => TrainPipeline.Run(config, progress, token), ct);

        // the view is updated from the cell's async flow (KernelInvocationContext.Current), never from the pipeline thread
        while (!training.Completion.IsCompleted)
        {
            await Task.WhenAny(training.Completion, Task.Delay(LiveUpdateInterval, CancellationToken.None));
            if (Drain(training, live)) display.Update(live);
        }
        TrainRunResult result;
        try
        {
            result = await training.Completion;
        }
        finally
        {
            if (Drain(training, live)) display.Update(live);
        }
        if (ct.IsCancellationRequested)
        {
            // the host has already ended the cancelled cell: nothing more may appear in it or bind a variable
            // behind the user's back; the run's last.ckpt is on disk (resume=...)
            result.Dispose();
            return;
        }
        // the live view becomes the final one: one copy of the charts and metrics per cell
        display.Update(new TrainingView(result, worst, metrics));
        await BindAsync(context, cmd.Name, result);
    }

    private static async Task ValidateAsync(OmlValidate cmd, KernelInvocationContext context)
    {
        var config = ValidatePipelineConfig.Load(RequireConfig(cmd.Config), cmd.Set);
        TorchRuntime.EnsureLoaded();
        var (worst, metrics) = ViewOptions(ValidateMagic, cmd.Worst, cmd.Metrics);
        var status = KernelInvocationContextExtensions.Display(context, "validating...", HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
        var result = await RunWithStatus((progress, token) => ValidatePipeline.Run(config, progress, token), status, "validating", context.CancellationToken);
        status.Update(new ValidationView(result, worst, metrics));
        await BindAsync(context, cmd.Name, result);
    }

    private static async Task PredictAsync(OmlPredict cmd, KernelInvocationContext context)
    {
        var config = PredictPipelineConfig.Load(RequireConfig(cmd.Config), cmd.Set);
        TorchRuntime.EnsureLoaded();
        var status = KernelInvocationContextExtensions.Display(context, "computing embeddings...", HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
        var result = await RunWithStatus((progress, token) => PredictPipeline.Run(config, progress, token), status, "computing embeddings", context.CancellationToken);
        status.Update(new PredictionView(result));
        await BindAsync(context, cmd.Name, result);
    }

    private static async Task DatasetAsync(OmlDataset cmd, KernelInvocationContext context)
    {
        var csv = cmd.Csv is { Length: > 0 } c ? Path.GetFullPath(c) : throw new OmlException("#!oml-dataset needs the path of a dataframe (.csv).");
        var root = cmd.Root is { Length: > 0 } r ? Path.GetFullPath(r) : Path.GetDirectoryName(csv)!;
        var frame = await Task.Run(() => DatasetFrame.Load(csv, new DatasetLoadOptions { DatasetRoot = root }), context.CancellationToken);
        KernelInvocationContextExtensions.Display(context, new DatasetView(frame), HtmlFormatter.MimeType, PlainTextFormatter.MimeType);
        await BindAsync(context, cmd.Name, frame);
    }

    private static async Task<T> RunWithStatus<T>(Func<IProgress<PipelineEvent>, CancellationToken, T> pipeline, DisplayedValue status, string what, CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var worker = PipelineWorker<T>.Start(pipeline, cancellationToken);
        var task = worker.Completion;
        var downloads = new WeightsDownloadView();
        while (!task.IsCompleted)
        {
            await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(1)));
            while (worker.TryRead(out var e)) downloads.Apply(e);
            if (task.IsCompleted) break;
            // pretrained weights downloaded on first use show as they come, then the plain status again
            if (downloads.IsDownloading) status.Update(downloads);
            else status.Update($"{what}... {(DateTime.UtcNow - started).TotalSeconds:0} s");
        }
        var result = await task;
        status.Update($"{what}: done in {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        return result;
    }

    private static string RequireConfig(string? config) =>
        config is { Length: > 0 } ? Path.GetFullPath(config) : throw new OmlException("The magic needs a config: --config path/to/config.yaml");

    private static bool Drain(PipelineWorker<TrainRunResult> worker, TrainingLiveView live)
    {
        var any = false;
        while (worker.TryRead(out var e))
        {
            live.Apply(e);
            any = true;
        }
        return any;
    }

    /// <summary>Binds <paramref name="value"/> to the C# variable <paramref name="name"/> (when given) in the C# kernel.</summary>
    private static async Task BindAsync<T>(KernelInvocationContext context, string? name, T value)
    {
        if (string.IsNullOrWhiteSpace(name)) return;
        if (!System.Text.RegularExpressions.Regex.IsMatch(name, @"^@?[\p{L}_][\p{L}\p{Nd}_]*$"))
        {
            throw new OmlException($"--name {name} is not a valid C# variable name.");
        }
        if (context.HandlingKernel.RootKernel.FindKernelByName("csharp") is not CSharpKernel csharp)
        {
            throw new OmlException($"--name {name}: there is no C# kernel to bind the result to.");
        }
        await csharp.SetValueAsync(name, value!, typeof(T));
    }
}
