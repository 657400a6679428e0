using Oml.Losses;

namespace Oml.Tests.Losses;

/// <summary>ArcFaceLossWithMlp (OML's <c>oml/losses/arcface.py: ArcFaceLossWithMLP</c>): key names, shapes, gradients, logs, and
/// golden case T25 (docs/oml-golden-cases.md) through an identity MLP.</summary>
public sealed class ArcFaceLossWithMlpTests
{
    [Fact]
    public void StateDictKeysAreTorchvisionMlpAndArcFace()
    {
        using var loss = new ArcFaceLossWithMlp(8, 5, [6, 4]);
        var keys = loss.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        Assert.Equal(new[] { "arcface.weight", "mlp.0.bias", "mlp.0.weight", "mlp.3.bias", "mlp.3.weight" }, keys.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new long[] { 6, 8 }, keys["mlp.0.weight"]);
        Assert.Equal(new long[] { 4, 6 }, keys["mlp.3.weight"]);
        Assert.Equal(new long[] { 5, 4 }, keys["arcface.weight"]);
        Assert.Equal("loss", ArcFaceLossWithMlp.CriterionName);
    }

    [Fact]
    public void ForwardGivesScalarGradientsAndLogs()
    {
        using var scope = NewDisposeScope();
        using var loss = new ArcFaceLossWithMlp(8, 5, [6, 4], s: 10);
        var x = randn(7, 8).requires_grad_();
        var value = loss.forward(x, tensor(new long[] { 0, 1, 2, 3, 4, 0, 1 }));
        Assert.Equal(0, value.dim());
        value.backward();
        Assert.True(isfinite(x.grad!).all().item<bool>());
        foreach (var (name, p) in loss.named_parameters())
            Assert.True(p.grad is not null && isfinite(p.grad).all().item<bool>(), name);
        Assert.InRange(loss.LastLogs["accuracy"], 0, 1);
        using var none = new ArcFaceLossWithMlp(8, 5, [4], reduction: LossReduction.None);
        Assert.Equal(new long[] { 7 }, none.forward(x, tensor(new long[] { 0, 1, 2, 3, 4, 0, 1 })).shape);
    }

    [Theory]
    [InlineData(0.5, 64, 0, 52.156097)]
    [InlineData(0.5, 64, 0.1, 51.306904)]
    public void IdentityMlpReproducesT25(double m, double s, double eps, double expected)
    {
        using var scope = NewDisposeScope();
        using var loss = new ArcFaceLossWithMlp(3, 3, [3], m, s, eps);
        using (no_grad())
        {
            var sd = loss.state_dict();
            sd["mlp.0.weight"].copy_(eye(3));
            sd["mlp.0.bias"].zero_();
            sd["arcface.weight"].copy_(eye(3));
        }
        var x = tensor(new float[,] { { 1, 0, 0 }, { 0, .2f, .8f }, { 0, .8f, .2f } });
        Assert.Equal(expected, loss.forward(x, tensor(new long[] { 0, 1, 2 })).item<float>(), 1e-5);
        Assert.Equal(1.0 / 3, loss.LastLogs["accuracy"], 6);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        Assert.Throws<OmlException>(() => new ArcFaceLossWithMlp(3, 3, []));
        Assert.Throws<OmlException>(() => new ArcFaceLossWithMlp(3, 3, [4, 0]));
        Assert.Throws<OmlException>(() => new ArcFaceLossWithMlp(0, 3, [4]));
        Assert.Throws<OmlException>(() => new ArcFaceLossWithMlp(3, 3, [4], smoothingEpsilon: 1));
    }
}
