using Oml.Tests.Data;

namespace Oml.Tests.Cli;

/// <summary>The real <c>oml</c> process: help, exit codes, messages without stack traces.</summary>
public sealed class CliBasicsTests : TempDirectoryTest
{
    [Fact]
    public void InfoLoadsTheTensorBackend()
    {
        var result = CliRunner.Run(Dir.Path, "info");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("LibTorch 2.10.0", result.Output);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("dataset", "--help")]
    [InlineData("dataset", "check", "--help")]
    [InlineData("dataset", "mock", "--help")]
    [InlineData("dataset", "import", "--help")]
    [InlineData("dataset", "import", "fashion-mnist", "--help")]
    [InlineData("dataset", "import", "folder", "--help")]
    [InlineData("evaluate", "--help")]
    [InlineData("info", "--help")]
    public void EveryVerbHasHelp(params string[] args)
    {
        var result = CliRunner.Run(Dir.Path, args);
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Contains("USAGE", result.Output);
        Assert.DoesNotContain("error", result.All);
    }

    [Fact]
    public void UnknownVerbIsAUserErrorWithoutStackTrace()
    {
        var result = CliRunner.Run(Dir.Path, "dataset", "chek");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown command 'chek'", result.All);
        Assert.DoesNotContain("   at ", result.All);
    }

    [Fact]
    public void CheckOfAValidFramePrintsTheSummaryAndExitsZero()
    {
        var csv = CsvFixture.Write(Dir, CsvFixture.Header, CsvFixture.ValidRows);
        var result = CliRunner.Run(Dir.Path, "dataset", "check", csv);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("train rows / labels", result.Output);
        Assert.Contains("4 / 2", result.Output);
        Assert.Contains("valid", result.Output);
    }

    [Fact]
    public void CheckOfAnInvalidFramePrintsEveryProblemAndExitsTwo()
    {
        var rows = CsvFixture.ValidRowsWith((0, "x,img/0.jpg,train,,"), (5, "2,img/5.jpg,validation,True,maybe"));
        var csv = CsvFixture.Write(Dir, CsvFixture.Header, rows);
        var result = CliRunner.Run(Dir.Path, "dataset", "check", "df.csv");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("row 2, column 'label': 'x' is not valid: expected an integer", result.Output);
        Assert.Contains("row 7, column 'is_gallery': 'maybe' is not valid on a validation row: expected True or False", result.Output);
        Assert.Contains("not valid: 2 errors", result.Output);
        Assert.DoesNotContain("   at ", result.All);
    }

    [Fact]
    public void MissingCsvIsAUserError()
    {
        var result = CliRunner.Run(Dir.Path, "dataset", "check", "nothere.csv");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("nothere.csv: file not found", result.All);
    }
}
