namespace Oml.Tests.Infrastructure;

/// <summary>Central differences in float64 against autograd, for every component of the input.</summary>
internal static class GradientCheck
{
    public static double[] Values(Tensor t) => t.to_type(ScalarType.Float64).data<double>().ToArray();

    public static void Assert(Func<Tensor, Tensor> f, Tensor x0)
    {
        using var scope = NewDisposeScope();
        var x = x0.to_type(ScalarType.Float64).detach().requires_grad_();
        f(x).backward();
        var analytic = Values(x.grad!);
        var flat = Values(x);
        const double h = 1e-6;
        for (var i = 0; i < flat.Length; i++)
        {
            using var inner = NewDisposeScope();
            using var noGrad = no_grad();
            var plus = (double[])flat.Clone();
            var minus = (double[])flat.Clone();
            plus[i] += h;
            minus[i] -= h;
            var numeric = (f(tensor(plus).view(x.shape)).item<double>() - f(tensor(minus).view(x.shape)).item<double>()) / (2 * h);
            Xunit.Assert.True(Math.Abs(numeric - analytic[i]) < 1e-5 * Math.Max(1, Math.Abs(numeric)), $"component {i}: numeric {numeric}, autograd {analytic[i]}");
        }
    }
}
