using System.Diagnostics;
using Oml.IO;
using Oml.Retrieval;

namespace Oml.Cli.Commands;

/// <summary><c>oml index build</c>: an HNSW index of a gallery's embeddings, saved with its sidecar (<see cref="GalleryIndex"/>).</summary>
public sealed class IndexBuildCommand(IAnsiConsole console) : Command<IndexBuildCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<EMBEDDINGS>")]
        [Description("The gallery: the save_dir of oml predict (embeddings.npy + paths.csv) or a .npy file [[N, D]] (float32 or float64).")]
        public string Embeddings { get; init; } = "";

        [CommandOption("--out <FILE>")]
        [Description("The index file to write, e.g. gallery.usearch; its sidecar goes next to it (gallery.usearch.json). Both are replaced atomically.")]
        public string Out { get; init; } = "";

        [CommandOption("--paths <CSV>")]
        [Description("A CSV with a 'path' column naming each gallery row (default: the paths.csv of oml predict, when it is next to embeddings.npy).")]
        public string? Paths { get; init; }

        [CommandOption("--metric <NAME>")]
        [Description("euclidean (default), squared_euclidean or cosine: the distance of the validation metrics (metric_args.distance).")]
        public string Metric { get; init; } = "euclidean";

        [CommandOption("--connectivity <N>")]
        [Description("Neighbours per node (HNSW's M): more gives higher recall, more memory and a slower build. Default 16.")]
        public int Connectivity { get; init; } = HnswSettings.Default.Connectivity;

        [CommandOption("--expansion-add <N>")]
        [Description("Candidates kept while inserting (efConstruction): more gives a better graph and a slower build. Default 128.")]
        public int ExpansionAdd { get; init; } = HnswSettings.Default.ExpansionAdd;

        [CommandOption("--expansion-search <N>")]
        [Description("Candidates kept while searching (ef), stored in the sidecar as the default of oml index search. Default 64.")]
        public int ExpansionSearch { get; init; } = HnswSettings.Default.ExpansionSearch;

        [CommandOption("--quantization <KIND>")]
        [Description("How vectors are stored: f32 (default), f16 (half the memory) or i8 (a quarter; cosine only).")]
        public string Quantization { get; init; } = "f32";

        public override ValidationResult Validate() =>
            Out.Length == 0 ? ValidationResult.Error("--out <FILE> is required: where to write the index, e.g. --out gallery.usearch") : ValidationResult.Success();
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var distance = DistanceKinds.Parse(settings.Metric, "--metric");
        var hnsw = new HnswSettings
        {
            Connectivity = settings.Connectivity,
            ExpansionAdd = settings.ExpansionAdd,
            ExpansionSearch = settings.ExpansionSearch,
            Quantization = IndexQuantizations.Parse(settings.Quantization, "--quantization"),
        };
        hnsw.Validate(distance, "the index options");
        var clock = Stopwatch.StartNew();
        var gallery = EmbeddingsWithPaths.Read(settings.Embeddings, settings.Paths);
        GalleryIndexInfo? info = null;
        long memory = 0;
        OutputLocation.ForFile(settings.Out, "--out", () =>
        {
            console.Status().Start($"indexing {gallery.Embeddings.Rows} embeddings", status =>
            {
                var progress = new Inline<int>(done => status.Status($"indexing: {done} of {gallery.Embeddings.Rows} embeddings"));
                using var index = GalleryIndex.Build(gallery.Embeddings, gallery.Paths, distance, hnsw, progress);
                memory = index.Index.MemoryBytes;
                status.Status($"writing {settings.Out}");
                OutputLocation.Writing("--out", () => index.Save(settings.Out));
                info = index.Info;
            });
            return 0;
        });
        console.MarkupLine(Markup.Escape(
            $"indexed {info!.Count} embeddings of dimension {info.Dimension} from {gallery.Source} ({DistanceKinds.Name(distance)}, {IndexQuantizations.Name(hnsw.Quantization)}, " +
            $"connectivity {hnsw.Connectivity}, expansion_add {hnsw.ExpansionAdd}, expansion_search {hnsw.ExpansionSearch}{(info.Paths is null ? ", no paths" : "")}) " +
            $"in {clock.Elapsed.TotalSeconds:0.0} s; {memory / 1048576.0:0.0} MiB in memory -> {settings.Out} ({info.IndexFileBytes / 1048576.0:0.0} MiB), {GalleryIndex.SidecarPath(settings.Out)}"));
        return 0;
    }
}
