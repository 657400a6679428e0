using System.Text.Json;
using Oml.IO;
using Oml.Tests.Data;

namespace Oml.Tests.Cli;

/// <summary><c>oml evaluate</c> end to end: a df.csv, an .npy of embeddings, overrides, metrics.json.</summary>
public sealed class CliEvaluateTests : TempDirectoryTest
{
    public CliEvaluateTests()
    {
        // validation: labels 2,2,3,3 (1-d embeddings like golden case T15, docs/oml-golden-cases.md), one category column
        string[] rows =
        [
            "0,a.jpg,train,,,x",
            "0,b.jpg,train,,,x",
            "2,c.jpg,validation,True,True,shoes",
            "2,d.jpg,validation,True,True,shoes",
            "3,e.jpg,validation,True,True,bags",
            "3,f.jpg,validation,True,True,bags",
        ];
        CsvFixture.Write(Dir, CsvFixture.Header + ",category", rows, createFiles: false);
        NpyFile.WriteMatrix(Dir.File("emb.npy"), new NpyArray([0f, 0.1f, 0.15f, 1f], 4, 1));
    }

    [Fact]
    public void WritesFlatMetricsWithCountsAndPrintsATable()
    {
        var result = CliRunner.Run(Dir.Path, "evaluate", "--embeddings", "emb.npy", "--dataset", "df.csv", "--out", "out/metrics.json",
            "metric_args.cmc_top_k=[1,2]", "metric_args.precision_top_k=[1]", "metric_args.map_top_k=[]", "metric_args.fmr_vals=[0.5]");
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("OVERALL/cmc/1", result.Output);

        using var json = JsonDocument.Parse(File.ReadAllText(Dir.File("out/metrics.json")));
        var m = json.RootElement;
        // q0 (0) -> 0.1 (label 2, hit); q1 (0.1) -> 0.15 (label 3, miss); q2 (0.15) -> 0.1 (miss); q3 (1) -> 0.15 (hit)
        Assert.Equal(0.5, m.GetProperty("OVERALL/cmc/1").GetDouble());
        Assert.Equal(0.75, m.GetProperty("OVERALL/cmc/2").GetDouble()); // q2 (0.15) has both label-2 items nearer than its partner at 1
        Assert.Equal(0.5, m.GetProperty("shoes/cmc/1").GetDouble());
        Assert.Equal(0.5, m.GetProperty("bags/cmc/1").GetDouble());
        Assert.True(m.TryGetProperty("OVERALL/fnmr@fmr/0.5", out _));
        Assert.False(m.TryGetProperty("OVERALL/map/5", out _));
        Assert.Equal(4, m.GetProperty("queries").GetInt32());
        Assert.Equal(4, m.GetProperty("galleries").GetInt32());
        Assert.Equal(0, m.GetProperty("queries_without_gt").GetInt32());
    }

    [Fact]
    public void CosineDistanceIsAnOverride()
    {
        NpyFile.WriteMatrix(Dir.File("emb2.npy"), new NpyArray([1, 0, 2, 0.1f, 0, 1, 0.1f, 3], 4, 2));
        var result = CliRunner.Run(Dir.Path, "evaluate", "--embeddings", "emb2.npy", "--dataset", "df.csv", "metric_args.distance=cosine", "metric_args.cmc_top_k=[1]");
        Assert.True(result.ExitCode == 0, result.All);
        using var json = JsonDocument.Parse(File.ReadAllText(Dir.File("metrics.json")));
        Assert.Equal(1.0, json.RootElement.GetProperty("OVERALL/cmc/1").GetDouble());
    }

    [Fact]
    public void PostprocessorsAreOverridesWithArgs()
    {
        var plain = CliRunner.Run(Dir.Path, "evaluate", "--embeddings", "emb.npy", "--dataset", "df.csv", "--out", "plain.json", "metric_args.cmc_top_k=[2]");
        var cut = CliRunner.Run(Dir.Path, "evaluate", "--embeddings", "emb.npy", "--dataset", "df.csv", "--out", "cut.json", "metric_args.cmc_top_k=[2]",
            "postprocessor=constant_thresholding", "postprocessor.args.th=0.12");
        var kr = CliRunner.Run(Dir.Path, "evaluate", "--embeddings", "emb.npy", "--dataset", "df.csv", "--out", "kr.json",
            "postprocessor=k_reciprocal", "postprocessor.args.k1=2", "postprocessor.args.k2=1", "postprocessor.args.top_n=3");
        Assert.True(plain.ExitCode == 0 && cut.ExitCode == 0 && kr.ExitCode == 0, plain.All + cut.All + kr.All);
        using var before = JsonDocument.Parse(File.ReadAllText(Dir.File("plain.json")));
        using var after = JsonDocument.Parse(File.ReadAllText(Dir.File("cut.json")));
        Assert.Equal(0.75, before.RootElement.GetProperty("OVERALL/cmc/2").GetDouble());
        // below 0.12 only q0 (0 -> 0.1, a hit) and q1 (0.1 -> 0.15, then 0.1 -> 0, a hit at 0.1) keep items
        Assert.Equal(0.5, after.RootElement.GetProperty("OVERALL/cmc/2").GetDouble());
        // drawn as a validation with a postprocessor: both columns, and the plain metrics next to the file
        Assert.Contains("without postprocessor", cut.Output);
        Assert.DoesNotContain("without postprocessor", plain.Output);
        Assert.Equal(File.ReadAllText(Dir.File("plain.json")), File.ReadAllText(Dir.File("cut_without_postprocessor.json")));
        Assert.False(File.Exists(Dir.File("plain_without_postprocessor.json")));

        var typo = CliRunner.Run(Dir.Path, "evaluate", "--embeddings", "emb.npy", "--dataset", "df.csv", "postprocessor=k_reciprocl");
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("did you mean 'k_reciprocal'?", typo.All);
    }

    [Theory]
    [InlineData("metric_args.cmc_top_k=[0]", "metric_args.cmc_top_k = [0] is not valid: expected positive integers")]
    [InlineData("metric_args.distance=manhattan", "metric_args.distance = 'manhattan' is not valid: expected euclidean, squared_euclidean or cosine")]
    [InlineData("metric_args.cmc_topk=[1]", "did you mean 'cmc_top_k'?")]
    [InlineData("metrik_args.cmc_top_k=[1]", "unknown key 'metrik_args' (did you mean 'metric_args'?)")]
    [InlineData("metric_args.fmr_vals=[1.5]", "metric_args.fmr_vals = [1.5] is not valid: expected fractions in [0, 1]")]
    public void BadOverridesAreUserErrors(string setting, string message)
    {
        var result = CliRunner.Run(Dir.Path, "evaluate", "--embeddings", "emb.npy", "--dataset", "df.csv", setting);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.All);
        Assert.DoesNotContain("   at ", result.All);
    }

    [Fact]
    public void RowCountMismatchNamesBothFiles()
    {
        NpyFile.WriteMatrix(Dir.File("short.npy"), new NpyArray([0f, 1f, 2f], 3, 1));
        var result = CliRunner.Run(Dir.Path, "evaluate", "--embeddings", "short.npy", "--dataset", "df.csv");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("short.npy has 3 rows but df.csv has 4 validation rows", result.All);
    }

    [Fact]
    public void MissingRequiredOptionsAreUserErrors()
    {
        var result = CliRunner.Run(Dir.Path, "evaluate", "--dataset", "df.csv");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--embeddings <NPY> is required", result.All);
        var noDataset = CliRunner.Run(Dir.Path, "evaluate", "--embeddings", "emb.npy");
        Assert.Equal(2, noDataset.ExitCode);
        Assert.Contains("--dataset <CSV> is required (or --config <YAML> with dataset_root and dataframe_name)", noDataset.All);
    }

    [Fact]
    public void AValidationConfigGivesTheDatasetMetricArgsAndPostprocessor()
    {
        Dir.Write("val.yaml", """
            dataset_root: .
            dataframe_name: df.csv
            bs_val: 4
            transforms_val: {name: norm_resize_torch, args: {im_size: 32}}
            extractor: {name: resnet, args: {arch: resnet18, weights: null}}
            metric_args: {cmc_top_k: [2], precision_top_k: [], map_top_k: []}
            postprocessor: {name: constant_thresholding, args: {th: 0.5}}
            """);
        var result = CliRunner.Run(Dir.Path, "evaluate", "--config", "val.yaml", "--embeddings", "emb.npy", "--out", "val.json", "postprocessor.args.th=0.12");
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("note: training and validation keys not used by evaluation: bs_val, extractor, transforms_val", result.Output);
        using var json = JsonDocument.Parse(File.ReadAllText(Dir.File("val.json")));
        Assert.Equal(0.5, json.RootElement.GetProperty("OVERALL/cmc/2").GetDouble());
        Assert.False(json.RootElement.TryGetProperty("OVERALL/map/5", out _));
        using var plain = JsonDocument.Parse(File.ReadAllText(Dir.File("val_without_postprocessor.json")));
        Assert.Equal(0.75, plain.RootElement.GetProperty("OVERALL/cmc/2").GetDouble());
    }
}
