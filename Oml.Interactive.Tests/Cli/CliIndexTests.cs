using System.Text.Json;
using Oml.Data;
using Oml.IO;
using Oml.Tests.Data;
using Oml.Tests.Retrieval;

namespace Oml.Tests.Cli;

/// <summary><c>oml index build | search</c> end to end, and the <c>retrieval</c> block through <c>oml evaluate</c>.</summary>
public sealed class CliIndexTests : TempDirectoryTest
{
    private static readonly NpyArray Gallery = ClusteredEmbeddings.Make(classes: 20, perClass: 10, dimension: 8, noise: 0.2f, seed: 21);

    public CliIndexTests()
    {
        // what oml predict leaves in its save_dir
        Directory.CreateDirectory(Dir.File("predicted"));
        NpyFile.WriteMatrix(Dir.File("predicted/embeddings.npy"), Gallery);
        Dir.Write("predicted/paths.csv", "index,path\n" + string.Concat(Enumerable.Range(0, Gallery.Rows).Select(i => $"{i},img/{i:D3}.jpg\n")));
        NpyFile.WriteMatrix(Dir.File("queries.npy"), new NpyArray(Gallery.Data[..(3 * 8)], 3, 8));
    }

    [Fact]
    public void Build_then_search_writes_the_neighbours_with_their_paths()
    {
        var build = CliRunner.Run(Dir.Path, "index", "build", "predicted", "--out", "index/gallery.usearch", "--expansion-search", "50");
        Assert.True(build.ExitCode == 0, build.All);
        Assert.Contains("indexed 200 embeddings of dimension 8", build.Output);
        Assert.True(File.Exists(Dir.File("index/gallery.usearch")) && File.Exists(Dir.File("index/gallery.usearch.json")));

        var search = CliRunner.Run(Dir.Path, "index", "search", "index/gallery.usearch", "queries.npy", "--k", "4", "--out", "results.csv");
        Assert.True(search.ExitCode == 0, search.All);
        Assert.Contains("3 queries x 4 neighbours from 200 gallery items (expansion_search 50)", search.Output);
        var table = CsvTable.Load(Dir.File("results.csv"));
        Assert.Equal(["query_row", "query_path", "rank", "gallery_row", "gallery_path", "distance"], table.Header);
        Assert.Equal(12, table.Records.Count);
        // each query is gallery row q itself: found first, at distance 0, then three items of its class (rows q + 20 j)
        for (var q = 0; q < 3; q++)
        {
            var rows = table.Records.Skip(4 * q).Take(4).ToArray();
            Assert.Equal([$"{q}", "", "1", $"{q}", $"img/{q:D3}.jpg", "0"], rows[0].Cells);
            Assert.All(rows.Skip(1), r => Assert.Equal(q, int.Parse(r.Cells[3]) % 20));
            Assert.Equal(["1", "2", "3", "4"], rows.Select(r => r.Cells[2]));
        }

        var again = CliRunner.Run(Dir.Path, "index", "search", "index/gallery.usearch", "predicted", "-k", "2", "--expansion-search", "8", "--out", "all.csv");
        Assert.True(again.ExitCode == 0, again.All);
        var all = CsvTable.Load(Dir.File("all.csv"));
        Assert.Equal(400, all.Records.Count);
        Assert.Equal("img/199.jpg", all.Records[^1].Cells[1]);
    }

    [Theory]
    [InlineData("--metric manhattan", "--metric = 'manhattan' is not valid: expected euclidean, squared_euclidean or cosine")]
    [InlineData("--quantization i8", "quantization i8 works with the cosine distance only")]
    [InlineData("--connectivity 1", "connectivity = 1 is not valid")]
    [InlineData("", "--out <FILE> is required")]
    public void Build_mistakes_are_user_errors(string options, string message)
    {
        string[] args = ["index", "build", "predicted", .. options.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        if (options.Length > 0) args = [.. args, "--out", "g.usearch"];
        var result = CliRunner.Run(Dir.Path, args);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.All);
        Assert.DoesNotContain("   at ", result.All);
        Assert.False(File.Exists(Dir.File("g.usearch")));
    }

    [Fact]
    public void Search_mistakes_are_user_errors()
    {
        Assert.Equal(0, CliRunner.Run(Dir.Path, "index", "build", "queries.npy", "--out", "small.usearch").ExitCode);
        NpyFile.WriteMatrix(Dir.File("wide.npy"), new NpyArray(new float[10], 2, 5));

        var wide = CliRunner.Run(Dir.Path, "index", "search", "small.usearch", "wide.npy", "--out", "r.csv");
        Assert.Equal(2, wide.ExitCode);
        Assert.Contains("wide.npy have dimension 5 but the index holds gallery embeddings of dimension 8", wide.All);

        File.Move(Dir.File("small.usearch.json"), Dir.File("elsewhere.json"));
        var noSidecar = CliRunner.Run(Dir.Path, "index", "search", "small.usearch", "queries.npy", "--out", "r.csv");
        Assert.Equal(2, noSidecar.ExitCode);
        Assert.Contains("small.usearch.json is missing", noSidecar.All);

        var missing = CliRunner.Run(Dir.Path, "index", "search", "nothing.usearch", "queries.npy", "--out", "r.csv");
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("nothing.usearch: index file not found", missing.All);

        var noK = CliRunner.Run(Dir.Path, "index", "search", "nothing.usearch", "queries.npy", "--k", "0", "--out", "r.csv");
        Assert.Equal(2, noK.ExitCode);
        Assert.Contains("-k 0 is not valid", noK.All);
        foreach (var result in new[] { wide, noSidecar, missing, noK }) Assert.DoesNotContain("   at ", result.All);
        Assert.False(File.Exists(Dir.File("r.csv")));
    }

    [Fact]
    public void Evaluate_with_an_index_reports_its_recall_next_to_the_metrics()
    {
        string[] rows = [.. Enumerable.Range(0, Gallery.Rows).Select(i => $"{i % 20},{i}.jpg,validation,True,True")];
        CsvFixture.Write(Dir, CsvFixture.Header, rows, createFiles: false);
        var result = CliRunner.Run(Dir.Path, "evaluate", "--embeddings", "predicted/embeddings.npy", "--dataset", "df.csv",
            "retrieval=usearch", "retrieval.args.report_recall=true", "metric_args.cmc_top_k=[1,3]");
        Assert.True(result.ExitCode == 0, result.All);
        using var json = JsonDocument.Parse(File.ReadAllText(Dir.File("metrics.json")));
        Assert.Equal(1.0, json.RootElement.GetProperty("OVERALL/retrieval_recall@5").GetDouble(), 2);
        Assert.Equal(1.0, json.RootElement.GetProperty("OVERALL/cmc/1").GetDouble());
        Assert.Contains("retrieval_recall@5", result.Output);
    }
}
