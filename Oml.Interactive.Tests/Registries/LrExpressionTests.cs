using Oml.Optimization;

namespace Oml.Tests.Registries;

public sealed class LrExpressionTests
{
    [Theory]
    [InlineData("0.95 ** epoch", 2, 0.9025)]
    [InlineData("lambda epoch: 0.95 ** epoch", 2, 0.9025)]
    [InlineData("1 / (1 + epoch)", 3, 0.25)]
    [InlineData("min(1, (epoch + 1) / 5)", 1, 0.4)]
    [InlineData("max(0.1, 1 - epoch * 0.3, 0)", 4, 0.1)]
    [InlineData("-2 ** 2", 0, -4)]
    [InlineData("2 ** 3 ** 2", 0, 512)]
    [InlineData("2 ** -1", 0, 0.5)]
    [InlineData("0.5 * (1 + cos(pi * epoch / 10))", 5, 0.5)]
    [InlineData("exp(-0.1 * epoch)", 10, 0.36787944117144233)]
    [InlineData("1e-1 * epoch - 2 * 3", 20, -4)]
    public void Evaluates(string text, double epoch, double expected)
    {
        Assert.Equal(expected, LrExpression.Parse(text, "x").Evaluate(epoch), 12);
    }

    [Theory]
    [InlineData("0.95 **", "the expression ends too early")]
    [InlineData("(1 + epoch", "expected ')' but the expression ends")]
    [InlineData("step * 2", "unknown name 'step'")]
    [InlineData("exp(1, 2)", "exp() takes one argument, got 2")]
    [InlineData("min(epoch)", "min() takes at least two arguments, got 1")]
    [InlineData("import os", "unknown name 'import'")]
    [InlineData("1 2", "unexpected '2' at character 3")]
    public void ParseErrorsNameThePathAndWhatIsWrong(string text, string what)
    {
        var e = Assert.Throws<OmlException>(() => LrExpression.Parse(text, "scheduling.scheduler.args.lr_lambda"));
        Assert.StartsWith($"scheduling.scheduler.args.lr_lambda = '{text}' is not a valid expression: ", e.Message);
        Assert.Contains(what, e.Message);
    }
}
