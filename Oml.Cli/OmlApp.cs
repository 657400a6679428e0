using Oml.Cli.Commands;

namespace Oml.Cli;

/// <summary>
/// The <c>oml</c> command: verbs and their help. User errors (<see cref="OmlException"/>, bad arguments) print a
/// message and exit with code 2, never a stack trace; unexpected failures exit with 70 and show the stack trace only
/// when OML_DEBUG=1.
/// </summary>
public static class OmlApp
{
    public const int UserError = 2;
    public const int InternalError = 70;

    public static int Run(string[] args, IAnsiConsole console)
    {
        var app = new CommandApp();
        app.Configure(config =>
        {
            config.SetApplicationName("oml");
            config.ConfigureConsole(console);
            config.SetExceptionHandler((exception, _) => Report(exception, console));
            config.AddCommand<InfoCommand>("info")
                .WithDescription("Show versions, threads, devices and whether the tensor backend loads.");
            config.AddCommand<TrainCommand>("train")
                .WithDescription("Train an extractor from an OML config: validation every valid_period epochs, best/last checkpoints, CSV + TensorBoard logs.")
                .WithExample("train", "configs/train_mock.yaml")
                .WithExample("train", "configs/train_mock.yaml", "max_epochs=3", "sampler.args.n_labels=4", "optimizer=adamw")
                .WithExample("train", "configs/train_mock.yaml", "resume=logs/mock/run/checkpoints/last.ckpt");
            config.AddCommand<TrainPostprocessorCommand>("train-postprocessor")
                .WithDescription("Train a pairwise re-ranker (OML's postprocessor pipeline, STIR): the extractor's embeddings cached once, pairs mined per batch, validation re-ranks the top_n.")
                .WithExample("train-postprocessor", "configs/train_postprocessor_mock.yaml")
                .WithExample("train-postprocessor", "configs/train_postprocessor_mock.yaml", "extractor_weights=logs/mock/run/checkpoints/best.ckpt", "max_epochs=3");
            config.AddCommand<ValidateCommand>("validate")
                .WithDescription("Validation metrics of a checkpoint (ours, PyTorch or OML), with and without the configured postprocessor; metrics.json and worst-query figures.")
                .WithExample("validate", "configs/validate_mock.yaml", "extractor.args.weights=logs/mock/run/checkpoints/best.ckpt");
            config.AddCommand<PredictCommand>("predict")
                .WithDescription("Embeddings of every image in a folder (or dataframe): embeddings.npy, paths.csv and OML's predictions.json.")
                .WithExample("predict", "configs/predict_mock.yaml", "data_dir=data/mock/images", "save_dir=out");
            config.AddCommand<ExportCommand>("export")
                .WithDescription("Export a trained extractor (a checkpoint, or a config's extractor block) to ONNX, checked by ONNX Runtime against TorchSharp; the preprocessing goes into the model's metadata.")
                .WithExample("export", "logs/mock/run/checkpoints/best.ckpt", "--onnx", "model.onnx")
                .WithExample("export", "configs/predict_mock.yaml", "extractor.args.weights=logs/mock/run/checkpoints/best.ckpt", "--onnx", "model.onnx");
            config.AddCommand<EvaluateCommand>("evaluate")
                .WithDescription("Validation metrics (CMC, precision, MAP, PCF, FNMR@FMR; per category) of precomputed embeddings, streaming and exact; the same as validate gives for the same embeddings and postprocessor.")
                .WithExample("evaluate", "--embeddings", "emb.npy", "--dataset", "df.csv", "--out", "metrics.json")
                .WithExample("evaluate", "--embeddings", "emb.npy", "--dataset", "df.csv", "metric_args.cmc_top_k=[1,5]", "metric_args.distance=cosine")
                .WithExample("evaluate", "--config", "configs/validate_mock.yaml", "--embeddings", "val_embeddings.npy", "postprocessor=k_reciprocal");
            config.AddBranch("index", index =>
            {
                index.SetDescription("Approximate nearest-neighbour search for large galleries: an HNSW index (USearch) of embeddings, saved and searched.");
                index.AddCommand<IndexBuildCommand>("build")
                    .WithDescription("Index a gallery's embeddings (oml predict's save_dir or a .npy file) into an HNSW file and its JSON sidecar.")
                    .WithExample("index", "build", "out/gallery", "--out", "gallery.usearch")
                    .WithExample("index", "build", "gallery.npy", "--out", "gallery.usearch", "--metric", "cosine", "--quantization", "f16");
                index.AddCommand<IndexSearchCommand>("search")
                    .WithDescription("The k nearest gallery items of every query embedding, from an index: a CSV of query, rank, gallery item and distance.")
                    .WithExample("index", "search", "gallery.usearch", "out/queries", "-k", "10", "--out", "results.csv")
                    .WithExample("index", "search", "gallery.usearch", "queries.npy", "-k", "5", "--expansion-search", "128", "--out", "results.csv");
            });
            config.AddBranch("weights", weights =>
            {
                weights.SetDescription("Pretrained checkpoints of OML's model zoo: list them, download one now, print where one is cached.");
                weights.AddCommand<WeightsListCommand>("list")
                    .WithDescription("Every zoo key: architecture, whether this version builds it, size, cached or not, path.")
                    .WithExample("weights", "list");
                weights.AddCommand<WeightsFetchCommand>("fetch")
                    .WithDescription("Download a checkpoint into the cache now (resumes a broken download, checks its checksum) and print its path.")
                    .WithExample("weights", "fetch", "vits16_dino");
                weights.AddCommand<WeightsPathCommand>("path")
                    .WithDescription("Print the path of a cached, checked checkpoint; exit code 2 when it is not cached.")
                    .WithExample("weights", "path", "vits16_dino");
            });
            config.AddBranch("dataset", dataset =>
            {
                dataset.SetDescription("Make, import and check datasets in OML's dataframe format (df.csv).");
                dataset.AddCommand<CheckCommand>("check")
                    .WithDescription("Validate a df.csv with every OML rule, print each problem and a summary; exit code 0 only if valid.")
                    .WithExample("dataset", "check", "data/mock/df.csv")
                    .WithExample("dataset", "check", "df.csv", "--root", "/data/cars");
                dataset.AddCommand<MockCommand>("mock")
                    .WithDescription("Generate the built-in mock dataset: coloured shapes (class = shape) on cluttered backgrounds, disjoint train/validation classes.")
                    .WithExample("dataset", "mock", "data/mock")
                    .WithExample("dataset", "mock", "data/mock-big", "--classes", "32", "--per-class", "40", "--size", "96");
                dataset.AddBranch("import", import =>
                {
                    import.SetDescription("Convert image data that exists offline into OML format.");
                    import.AddCommand<ImportFashionMnistCommand>("fashion-mnist")
                        .WithDescription("Fashion-MNIST from Debian's dataset-fashion-mnist (IDX files) to PNGs + df.csv.")
                        .WithExample("dataset", "import", "fashion-mnist", "data/fashion-mnist")
                        .WithExample("dataset", "import", "fashion-mnist", "data/fmnist-small", "--max-per-class", "100", "--split", "closed");
                    import.AddCommand<ImportFolderCommand>("folder")
                        .WithDescription("A class-per-folder image tree to df.csv (validation classes disjoint from train classes).")
                        .WithExample("dataset", "import", "folder", "~/photos/by-class", "data/photos", "--val-classes", "0.3");
                });
            });
        });
        return app.Run(SingleLetterLongOptions(args));
    }

    /// <summary>
    /// <c>--k 10</c> as <c>-k 10</c>: Spectre.Console.Cli refuses one-letter long option names, and <c>--k</c> is how
    /// retrieval tools usually spell it.
    /// </summary>
    internal static string[] SingleLetterLongOptions(string[] args) =>
        args.Select(a => a == "--k" ? "-k" : a.StartsWith("--k=", StringComparison.Ordinal) ? "-k=" + a["--k=".Length..] : a).ToArray();

    /// <summary>Prints an exception the way a user should see it and returns the exit code.</summary>
    public static int Report(Exception exception, IAnsiConsole console)
    {
        switch (exception)
        {
            case OmlException oml:
                console.MarkupLine("[red]error:[/] " + Markup.Escape(oml.Message));
                foreach (var detail in oml.Details.Where(d => !oml.Message.Contains(d, StringComparison.Ordinal)))
                {
                    console.MarkupLine("  - " + Markup.Escape(detail));
                }
                return UserError;
            case CommandAppException parse:
                console.MarkupLine("[red]error:[/] " + Markup.Escape(parse.Message) + " (see 'oml --help')");
                return UserError;
            case var io when Oml.IO.OutputLocation.DescribeUnnamedFailure(io) is { } described:
                // a failure of the file system that no pipeline named (they name the path and its config key)
                console.MarkupLine("[red]error:[/] " + Markup.Escape(described));
                return UserError;
            default:
                console.MarkupLine("[red]internal error:[/] " + Markup.Escape($"{exception.GetType().Name}: {exception.Message}"));
                if (Environment.GetEnvironmentVariable("OML_DEBUG") == "1")
                {
                    console.WriteLine(exception.ToString());
                }
                else
                {
                    console.MarkupLine("[grey]Run with OML_DEBUG=1 for the stack trace, and please report it.[/]");
                }
                return InternalError;
        }
    }
}
