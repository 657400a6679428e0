using Oml.Optimization;
using Oml.Registries;
using static Oml.Tests.Registries.OmlBlockFixtures;

namespace Oml.Tests.Registries;

public sealed class OptimizerRegistryTests
{
    internal static OptimizerContext TwoGroups(out nn.Module extractor, out nn.Module criterion)
    {
        extractor = nn.Linear(3, 2);
        criterion = nn.Linear(2, 2);
        return new OptimizerContext(extractor.parameters(), criterion.parameters());
    }

    [Fact]
    public void EveryOmlDefaultBlockBuildsWithTwoGroupsAtLr()
    {
        Assert.Equal(Names("optimizer").Concat(["nadam", "radam"]).Order(StringComparer.Ordinal), OptimizerRegistry.CreateDefault().Names);
        foreach (var name in OptimizerRegistry.CreateDefault().Names)
        {
            var block = Names("optimizer").Contains(name) ? Block("optimizer", name) : Map(("name", name), ("args", Map(("lr", 1e-5))));
            using var optimizer = Registry.Optimizers.Create(block, "optimizer", TwoGroups(out _, out _));
            Assert.Equal(name, optimizer.Name);
            if (name == "lbfgs")
            {
                Assert.Equal(["all"], optimizer.GroupNames);
                Assert.True(optimizer.NeedsClosure);
                continue;
            }
            Assert.Equal(["extractor", "criterion"], optimizer.GroupNames);
            Assert.Equal([1e-5, 1e-5], optimizer.LearningRates);
        }
    }

    [Fact]
    public void ACriterionWithoutParametersGivesOneGroup()
    {
        using var extractor = nn.Linear(3, 2);
        using var optimizer = Registry.Optimizers.Create("adam", BlockArgs.From("optimizer.args", ("lr", 0.01)),
            new OptimizerContext(extractor.parameters(), []));
        Assert.Equal(["extractor"], optimizer.GroupNames);
        optimizer.SetLearningRate(0, 0.5);
        Assert.Equal([0.5], optimizer.LearningRates);
    }

    [Fact]
    public void ArgsReachTheOptimizer()
    {
        using var scope = NewDisposeScope();
        using var extractor = nn.Linear(2, 1, hasBias: false);
        using var criterion = nn.Linear(1, 1, hasBias: false);
        using (no_grad())
        {
            extractor.weight!.copy_(tensor(new float[] { 1, 2 }, [1, 2]));
            criterion.weight!.copy_(tensor(new float[] { 4 }, [1, 1]));
        }
        using var sgd = Registry.Optimizers.Create("sgd", BlockArgs.From("optimizer.args", ("lr", 0.1), ("weight_decay", 0.5)),
            new OptimizerContext(extractor.parameters(), criterion.parameters()));
        (extractor.weight!.sum() * 0 + criterion.weight!.sum() * 0).backward(); // zero gradients: only weight decay moves the weights
        sgd.Step();
        Assert.Equal(new[] { 0.95f, 1.9f }, extractor.weight!.data<float>().ToArray(), (a, b) => Math.Abs(a - b) < 1e-6);
        Assert.Equal(3.8f, criterion.weight!.data<float>()[0], 1e-6f);
        sgd.SetLearningRate(0.2);
        Assert.Equal([0.2, 0.2], sgd.LearningRates);
    }

    [Fact]
    public void LrIsRequiredAndArgsAreChecked()
    {
        var context = TwoGroups(out _, out _);
        var missing = Assert.Throws<OmlException>(() => Registry.Optimizers.Create("adam", BlockArgs.Empty("optimizer.args"), context));
        Assert.StartsWith("optimizer.args.lr is required", missing.Message);
        var betas = Assert.Throws<OmlException>(() => Registry.Optimizers.Create("adam",
            BlockArgs.From("optimizer.args", ("lr", 0.1), ("betas", new List<object?> { 0.9 })), context));
        Assert.Equal("optimizer.args.betas = [0.9] is not valid: expected [beta1, beta2] with 0 <= beta < 1", betas.Message);
        var unknown = Assert.Throws<OmlException>(() => Registry.Optimizers.Create("sgd",
            BlockArgs.From("optimizer.args", ("lr", 0.1), ("momentun", 0.9)), context));
        Assert.Contains("'sgd' does not take 'momentun' at optimizer.args; valid keys: dampening, lr, maximize, momentum, nesterov, weight_decay", unknown.Message);
        var wrongType = Assert.Throws<OmlException>(() => Registry.Optimizers.Create("adamw",
            BlockArgs.From("optimizer.args", ("lr", "fast")), context));
        Assert.Equal("optimizer.args.lr = 'fast' is not valid: expected a number", wrongType.Message);
        var typo = Assert.Throws<OmlException>(() => Registry.Optimizers.Create("adamm", BlockArgs.Empty("optimizer.args"), context));
        Assert.Contains("(did you mean 'adam'?)", typo.Message);
    }

    [Fact]
    public void StateSavesAndLoads()
    {
        using var scope = NewDisposeScope();
        var dir = Directory.CreateTempSubdirectory("oml-optimizer-state");
        try
        {
            var file = Path.Combine(dir.FullName, "adam.bin");
            manual_seed(1);
            using var optimizer = Registry.Optimizers.Create("adam", BlockArgs.From("optimizer.args", ("lr", 0.1)), TwoGroups(out var extractor, out var criterion));
            Assert.True(optimizer.CanSaveState);
            ((nn.Module<Tensor, Tensor>)criterion).forward(((nn.Module<Tensor, Tensor>)extractor).forward(ones(4, 3))).sum().backward();
            optimizer.Step();
            optimizer.SaveState(file);
            Assert.True(new FileInfo(file).Length > 0);
            using var fresh = Registry.Optimizers.Create("adam", BlockArgs.From("optimizer.args", ("lr", 0.1)),
                new OptimizerContext(extractor.parameters(), criterion.parameters()));
            fresh.LoadState(file);
        }
        finally
        {
            dir.Delete(true);
        }
    }

    [Fact]
    public void LbfgsStepsWithAClosure()
    {
        using var scope = NewDisposeScope();
        var w = nn.Parameter(tensor(new float[] { 3 }));
        using var optimizer = Registry.Optimizers.Create("lbfgs", BlockArgs.From("optimizer.args", ("lr", 1.0)), new OptimizerContext([w], []));
        Assert.Throws<InvalidOperationException>(() => optimizer.Step());
        optimizer.Step(() =>
        {
            optimizer.ZeroGrad();
            var loss = (w * w).sum();
            loss.backward();
            return loss;
        });
        Assert.True(Math.Abs(w.item<float>()) < 1e-3);
        Assert.False(optimizer.CanSaveState);
    }
}
