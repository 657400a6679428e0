using Oml.Config;

namespace Oml.Tests.Config;

/// <summary>A config or an override that is not YAML names the file (or the override), the line and the column, and shows the line.</summary>
public sealed class YamlSyntaxErrorTests
{
    private static string Error(string yaml) =>
        Assert.Throws<OmlException>(() => ConfigLoader.Parse(yaml, "train.yaml", null)).Message.ReplaceLineEndings("\n");

    [Fact]
    public void AnUnclosedBracketBeforeTheNextKeyNamesItsLineAndColumn()
    {
        // YamlDotNet itself only says "Operation is not valid due to the current state of the object." here
        Assert.Equal("""
            train.yaml:2:7: not valid YAML: this '[' is never closed by a ']' (close it, or quote the value if the '[' is part of a string)
              2 | seed: [42
                |       ^
            """, Error("accelerator: cpu\nseed: [42\nmax_epochs: 1\n"));
    }

    [Theory]
    [InlineData("seed: [42", "train.yaml:1:7: not valid YAML: this '[' is never closed by a ']'", "  1 | seed: [42\n    |       ^")]
    [InlineData("a: 1\nmetric_args: {cmc_top_k: [1, 5]\nb: 2\n", "train.yaml:2:14: not valid YAML: this '{' is never closed by a '}'", "  2 | metric_args: {cmc_top_k: [1, 5]\n    |              ^")]
    [InlineData("a: {x: [1, 2}\n", "train.yaml:1:13: not valid YAML: while parsing a flow sequence, did not find expected ',' or ']' (the '[' at column 8 is still open)", "  1 | a: {x: [1, 2}\n    |             ^")]
    [InlineData("postfix: 'abc\n", "train.yaml:1:10: not valid YAML: while scanning a quoted scalar, found unexpected end of stream", "  1 | postfix: 'abc\n    |          ^")]
    [InlineData("a: b: c\n", "train.yaml:1:5: not valid YAML: while scanning a plain scalar value, found invalid mapping", "  1 | a: b: c\n    |     ^")]
    [InlineData("a:\n  - 1\n b: 2\n", "train.yaml:3:2: not valid YAML: while parsing a block mapping, did not find expected key", "  3 |  b: 2\n    |  ^")]
    public void SyntaxErrorsNameTheLineAndColumnAndShowTheLine(string yaml, string first, string shown)
    {
        var message = Error(yaml);
        Assert.StartsWith(first, message);
        Assert.EndsWith("\n" + shown, message);
    }

    [Fact]
    public void ABlockFileThatIsNotYamlIsNamed()
    {
        using var dir = new TempDirectory();
        dir.Write("sampler/mine.yaml", "name: balance\nargs: {n_labels: [2\n");
        var error = Assert.Throws<OmlException>(() => ConfigLoader.Parse("defaults:\n  - sampler: mine\n", "train.yaml", dir.Path));
        Assert.StartsWith($"{dir.File("sampler/mine.yaml")}:2:", error.Message);
    }

    [Theory]
    [InlineData("seed=[42", "override seed: '[42' is not a valid YAML value at column 1: this '[' is never closed by a ']' (close it")]
    [InlineData("metric_args={cmc_top_k: [1, 5]", "override metric_args: '{cmc_top_k: [1, 5]' is not a valid YAML value at column 1: this '{' is never closed by a '}' (close it")]
    [InlineData("postfix='abc", "override postfix: ''abc' is not a valid YAML value at column 1: while scanning a quoted scalar, found unexpected end of stream")]
    [InlineData("postfix=a: b", "override postfix: 'a: b' is not a valid YAML value at column 2: while scanning a plain scalar value, found invalid mapping")]
    public void AnOverrideThatIsNotYamlIsNamed(string change, string expected)
    {
        var error = Assert.Throws<OmlException>(() => ConfigLoader.Parse("seed: 1\n", "train.yaml", null, [change]));
        Assert.StartsWith(expected, error.Message);
        Assert.DoesNotContain("Operation is not valid", error.Message);
    }
}
