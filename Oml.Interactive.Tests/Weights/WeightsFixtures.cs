using Oml.IO;

namespace Oml.Tests.Weights;

/// <summary>The committed fixtures of Fixtures/weights (made by make_weights_fixtures.py with Debian torch 1.13).</summary>
internal static class WeightsFixtures
{
    public static string Directory => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", "weights");

    public static string Path(string name) => System.IO.Path.Combine(Directory, name);

    /// <summary>The script's tiny net with the same state_dict keys: Conv2d, BatchNorm2d, ReLU, pool, flatten, Linear.</summary>
    public static nn.Module<Tensor, Tensor> TinyNet() => nn.Sequential(
        ("0", nn.Conv2d(3, 4, 3, padding: 1)),
        ("1", nn.BatchNorm2d(4)),
        ("2", nn.ReLU()),
        ("3", nn.AdaptiveAvgPool2d(1)),
        ("4", nn.Flatten()),
        ("5", nn.Linear(4, 5)));

    public static Tensor Input()
    {
        var x = NpyFile.ReadMatrix(Path("input.npy"));
        return tensor(x.Data).reshape(x.Rows, 3, 8, 8);
    }

    public static Tensor Expected()
    {
        var y = NpyFile.ReadMatrix(Path("expected.npy"));
        return tensor(y.Data).reshape(y.Rows, y.Columns);
    }

    /// <summary>Largest |model(input) - expected| in eval mode.</summary>
    public static double MaxOutputDifference(nn.Module<Tensor, Tensor> model)
    {
        using var scope = NewDisposeScope();
        model.eval();
        using var _ = no_grad();
        var y = model.call(Input());
        return (y - Expected()).abs().max().item<float>();
    }
}
