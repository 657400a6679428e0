using Oml.Models;

namespace Oml.Tests.Models;

/// <summary>CNTK padding (resnet18_mlnet) against torchvision's, and freeze_bn.</summary>
public sealed class ResnetPaddingAndFreezeTests
{
    private static readonly ResnetSpec TinyTorchvision = new(ResnetBlockKind.Basic, [1, 1, 2], [8, 16, 32]);
    private static readonly ResnetSpec TinyCntk = TinyTorchvision with { Padding = ResnetPadding.Cntk };

    [Fact]
    public void CntkPaddingEqualsTorchvisionsAtEvenSizesAndIsOnePixelSmallerAtOddSizes()
    {
        using var scope = NewDisposeScope();
        manual_seed(1);
        using var torchvision = new ResnetExtractor(TinyTorchvision);
        using var cntk = new ResnetExtractor(TinyCntk);
        cntk.load_state_dict(torchvision.state_dict());
        torchvision.eval();
        cntk.eval();
        using (no_grad())
        {
            var even = randn(2, 3, 64, 48);
            Assert.True(torchvision.Extract(even).allclose(cntk.Extract(even), rtol: 0, atol: 1e-6));
            var odd = randn(2, 3, 33, 33);
            Assert.False(torchvision.Extract(odd).allclose(cntk.Extract(odd), rtol: 1e-3, atol: 1e-3));
        }
    }

    [Fact]
    public void FreezeBnKeepsRunningStatisticsWhileTraining()
    {
        using var scope = NewDisposeScope();
        using var frozen = new ResnetExtractor(TinyTorchvision, freezeBatchNorm: true);
        using var free = new ResnetExtractor(TinyTorchvision);
        var before = frozen.state_dict()["bn1.running_mean"].clone();
        frozen.train();
        free.train();
        Assert.True(frozen.training);
        var images = randn(4, 3, 32, 32) * 3 + 1;
        frozen.Extract(images).sum().backward();
        free.Extract(images);
        Assert.True(frozen.state_dict()["bn1.running_mean"].allclose(before, 0, 0));
        Assert.False(free.state_dict()["bn1.running_mean"].allclose(before, 0, 0));
        // the batch norms' weights still learn
        Assert.NotNull(frozen.named_parameters().Single(p => p.name == "bn1.weight").parameter.grad);

        // inside an MLP head the backbone's override still applies
        using var wrapped = new ExtractorWithMlp(new ResnetExtractor(TinyTorchvision, freezeBatchNorm: true), [16]);
        var inner = wrapped.state_dict().Single(p => p.Key.EndsWith("bn1.running_mean", StringComparison.Ordinal) && !p.Key.Contains("layer")).Value.clone();
        wrapped.train();
        wrapped.Extract(images);
        Assert.True(wrapped.state_dict().Single(p => p.Key.EndsWith("bn1.running_mean", StringComparison.Ordinal) && !p.Key.Contains("layer")).Value.allclose(inner, 0, 0));
    }
}
