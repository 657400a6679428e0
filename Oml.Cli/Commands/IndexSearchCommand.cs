using System.Diagnostics;
using Oml.IO;
using Oml.Retrieval;

namespace Oml.Cli.Commands;

/// <summary><c>oml index search</c>: the nearest gallery items of every query, from a saved <see cref="GalleryIndex"/>.</summary>
public sealed class IndexSearchCommand(IAnsiConsole console) : Command<IndexSearchCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<INDEX>")]
        [Description("An index written by oml index build (its .json sidecar next to it).")]
        public string Index { get; init; } = "";

        [CommandArgument(1, "<QUERIES>")]
        [Description("The queries: the save_dir of oml predict (embeddings.npy + paths.csv) or a .npy file [[Q, D]] of the gallery's dimension.")]
        public string Queries { get; init; } = "";

        [CommandOption("-k|--top-k <N>")]
        [Description("Neighbours per query (also written --k). Default 10.")]
        public int K { get; init; } = 10;

        [CommandOption("--expansion-search <N>")]
        [Description("Candidates kept while searching (ef; at least k are kept): more gives higher recall and slower queries. Default: the value the index was built with.")]
        public int? ExpansionSearch { get; init; }

        [CommandOption("--paths <CSV>")]
        [Description("A CSV with a 'path' column naming each query row (default: the paths.csv of oml predict, when it is next to embeddings.npy).")]
        public string? Paths { get; init; }

        [CommandOption("--out <CSV>")]
        [Description("Where to write the results: query_row,query_path,rank,gallery_row,gallery_path,distance (one line per neighbour).")]
        public string Out { get; init; } = "";

        public override ValidationResult Validate()
        {
            if (Out.Length == 0) return ValidationResult.Error("--out <CSV> is required: where to write the results, e.g. --out results.csv");
            if (K < 1) return ValidationResult.Error($"-k {K} is not valid: expected the number of neighbours, at least 1");
            if (ExpansionSearch is < 1) return ValidationResult.Error($"--expansion-search {ExpansionSearch} is not valid: expected an integer >= 1");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        using var gallery = GalleryIndex.Load(settings.Index, settings.ExpansionSearch);
        var queries = EmbeddingsWithPaths.Read(settings.Queries, settings.Paths);
        var loadSeconds = clock.Elapsed.TotalSeconds;
        var searchSeconds = OutputLocation.ForFile(settings.Out, "--out", () =>
        {
            var start = clock.Elapsed.TotalSeconds;
            var result = gallery.Search(queries.Embeddings, settings.K, queries.Source);
            var seconds = clock.Elapsed.TotalSeconds - start;
            OutputLocation.Writing("--out", () => NeighboursCsv.Write(settings.Out, result, queries.Paths, gallery.Info.Paths));
            return seconds;
        });
        console.MarkupLine(Markup.Escape(
            $"{queries.Embeddings.Rows} queries x {Math.Min(settings.K, gallery.Info.Count)} neighbours from {gallery.Info.Count} gallery items " +
            $"(expansion_search {gallery.Index.ExpansionSearch}) in {searchSeconds:0.00} s, loading {loadSeconds:0.00} s -> {settings.Out}"));
        return 0;
    }
}
