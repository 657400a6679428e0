using Oml.Training;

namespace Oml.Tests.Training;

public sealed class TrainingCheckpointTests
{
    private static CheckpointState State(int epochs) => new()
    {
        EpochsCompleted = epochs, GlobalStep = epochs * 10, Seed = 1, MonitoredMetric = "OVERALL/cmc/1", Mode = "max", BestMetric = 0.5,
        ExtractorName = "resnet", ExtractorArgs = new() { ["arch"] = "resnet18", ["gem_p"] = 3.0, ["remove_fc"] = true, ["weights"] = null },
        SchedulerSteps = 4, PlateauValues = [0.1, 0.2],
        History = [new EpochRecord(0, 0.7, 1.5, 1e-3, new Dictionary<string, double> { ["OVERALL/cmc/1"] = 0.5 })],
    };

    [Fact]
    public void ARoundTripRestoresStateWeightsAndOptimizerMoments()
    {
        using var dir = new TempDirectory();
        using var model = nn.Linear(4, 3);
        using var criterion = nn.Linear(3, 2);
        using var optimizer = optim.Adam(model.parameters().Concat(criterion.parameters()), 1e-2);
        using (var x = randn(5, 4))
        {
            criterion.forward(model.forward(x)).sum().backward();
        }
        optimizer.step();
        var path = dir.File("last.ckpt");
        TrainingCheckpoint.Save(path, State(3), model, criterion, optimizer);

        var state = TrainingCheckpoint.ReadState(path);
        Assert.Equal(3, state.EpochsCompleted);
        Assert.Equal(30, state.GlobalStep);
        Assert.Equal([0.1, 0.2], state.PlateauValues);
        Assert.Equal(3.0, state.ExtractorArgs["gem_p"]);
        Assert.Equal(true, state.ExtractorArgs["remove_fc"]);
        Assert.Null(state.ExtractorArgs["weights"]);
        Assert.Equal(0.5, state.History[0].Metrics!["OVERALL/cmc/1"]);

        using var model2 = nn.Linear(4, 3);
        using var criterion2 = nn.Linear(3, 2);
        using var optimizer2 = optim.Adam(model2.parameters().Concat(criterion2.parameters()), 1e-2);
        TrainingCheckpoint.LoadExtractor(path, model2);
        TrainingCheckpoint.LoadTrainingState(path, criterion2, optimizer2);
        Assert.True(model.weight!.allclose(model2.weight!, 0, 0));
        Assert.True(criterion.bias!.allclose(criterion2.bias!, 0, 0));

        // the same next update from the same gradients proves the Adam moments came back
        foreach (var (m, o) in new[] { (model, optimizer), (model2, optimizer2) })
        {
            o.zero_grad();
            using var x = ones(5, 4);
            m.forward(x).sum().backward();
            o.step();
        }
        Assert.True(model.weight!.allclose(model2.weight!, 0, 0));
    }

    [Fact]
    public void AFailedSaveLeavesThePreviousCheckpointIntactAndNoTemporaryFile()
    {
        using var dir = new TempDirectory();
        using var model = nn.Linear(4, 3);
        using var criterion = nn.Linear(3, 2);
        using var optimizer = optim.SGD(model.parameters(), 0.1);
        var path = dir.File("last.ckpt");
        TrainingCheckpoint.Save(path, State(1), model, criterion, optimizer);
        var before = File.ReadAllBytes(path);

        using var broken = new FailingModule(); // throws after the state and the extractor are in the zip
        var error = Assert.Throws<OmlException>(() => TrainingCheckpoint.Save(path, State(2), model, broken, optimizer));
        Assert.StartsWith($"cannot write {path}: ", error.Message);
        Assert.Contains("(the previous file is unchanged)", error.Message);

        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(1, TrainingCheckpoint.ReadState(path).EpochsCompleted);
        Assert.Equal(["last.ckpt"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("not a zip at all", "not a checkpoint of this library")]
    public void OtherFilesAreRefusedClearly(string content, string expected)
    {
        using var dir = new TempDirectory();
        var path = dir.Write("x.ckpt", content);
        Assert.False(TrainingCheckpoint.IsCheckpoint(path));
        Assert.Contains(expected, Assert.Throws<OmlException>(() => TrainingCheckpoint.ReadState(path)).Message);
        Assert.Contains("does not exist", Assert.Throws<OmlException>(() => TrainingCheckpoint.ReadState(dir.File("missing.ckpt"))).Message);
    }

    private sealed class FailingModule() : nn.Module("failing")
    {
        public override Dictionary<string, Tensor> state_dict(Dictionary<string, Tensor>? destination = null, string? prefix = null) =>
            throw new IOException("disk full");
    }
}
