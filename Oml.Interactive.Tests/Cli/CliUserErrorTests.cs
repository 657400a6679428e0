using Oml.IO;
using Oml.Tests.Data;

namespace Oml.Tests.Cli;

/// <summary>
/// Errors a user causes through the file system or the YAML exit with code 2 and one message naming the path, the key
/// or option that chose it and what is wrong, never "internal error".
/// </summary>
public sealed class CliUserErrorTests : TempDirectoryTest
{
    private static void AssertUserError(CliRunner.Result result, params string[] expected)
    {
        Assert.True(result.ExitCode == 2, result.All);
        Assert.DoesNotContain("internal error", result.All);
        foreach (var text in expected) Assert.Contains(text, result.All);
    }

    [Fact]
    public void OutputLocationsThatCannotBeWrittenAreNamedBeforeTheWork()
    {
        CsvFixture.Write(Dir, CsvFixture.Header, CsvFixture.ValidRows, createFiles: false);
        NpyFile.WriteMatrix(Dir.File("emb.npy"), new NpyArray([0f, 0.1f, 0.15f, 1f], 4, 1));
        var file = Dir.Write("taken", "a file");

        AssertUserError(CliRunner.Run(Dir.Path, "evaluate", "--embeddings", "emb.npy", "--dataset", "df.csv", "--out", "taken/metrics.json"),
            $"--out: {file} is a file, so taken/metrics.json cannot be made in it; give --out a path in a folder");
        AssertUserError(CliRunner.Run(Dir.Path, "evaluate", "--embeddings", "emb.npy", "--dataset", "df.csv", "--out", "."),
            "--out: . is a folder, not a file");

        var readOnly = UnwritableFolder.In(Dir);
        AssertUserError(CliRunner.Run(Dir.Path, "evaluate", "--embeddings", "emb.npy", "--dataset", "df.csv", "--out", Path.Combine(readOnly, "out", "m.json")),
            $"--out: cannot create the folder {Path.Combine(readOnly, "out")} for {Path.Combine(readOnly, "out", "m.json")}: permission denied");

        var config = Dir.Write("validate.yaml", $$$"""
            accelerator: cpu
            dataset_root: {{{Dir.Path}}}
            dataframe_name: df.csv
            transforms_val: {name: norm_resize_torch, args: {im_size: 32}}
            extractor: {name: resnet, args: {arch: resnet18, gem_p: null, remove_fc: true, normalise_features: true, weights: null}}
            bs_val: 4
            save_dir: taken
            """);
        AssertUserError(CliRunner.Run(Dir.Path, "validate", config), "save_dir: taken is a file, not a folder; set save_dir to a folder (it is made if missing)");
    }

    [Fact]
    public void AConfigThatIsNotYamlNamesTheLineAndColumn()
    {
        var config = Dir.Write("train.yaml", "accelerator: cpu\nseed: [42\nmax_epochs: 1\n");
        var result = CliRunner.Run(Dir.Path, "train", config);
        AssertUserError(result, $"{config}:2:7: not valid YAML: this '[' is never closed by a ']'", "  2 | seed: [42");
        Assert.DoesNotContain("Operation is not valid", result.All);
    }
}
