using Oml.Data;
using Oml.Images;
using Oml.Losses;
using Oml.Models;
using Oml.Optimization;
using Oml.Registries;
using Oml.Samplers;
using Oml.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Oml.Pipelines;

/// <summary>
/// Everything a training run is made of, assembled in OML's order (<c>oml/lightning/pipelines/train.py:
/// extractor_training_pipeline</c>): seed, datasets, sampler, extractor, criterion with <c>label2category</c>,
/// optimizer over extractor + criterion parameters, scheduler; then the run folder and, on resume, the state of the
/// checkpoint. Disposing frees what it built, except an extractor handed over to the run's result.
/// </summary>
internal sealed class TrainingSetup : IDisposable
{
    private bool _extractorHandedOver;

    private TrainingSetup(TrainPipelineConfig config) => Config = config;

    public TrainPipelineConfig Config { get; }
    public Device Device { get; private set; } = null!;
    public ResumePoint? Resume { get; private set; }
    public DatasetFrame Frame { get; private set; } = null!;
    public ImageDataset Train { get; private set; } = null!;
    public ImageDataset Validation { get; private set; } = null!;
    public IBatchSampler Sampler { get; private set; } = null!;
    public Extractor Extractor { get; private set; } = null!;
    public nn.Module CriterionModule { get; private set; } = null!;
    public Criterion Criterion { get; private set; } = null!;
    public TrainingOptimizer Optimizer { get; private set; } = null!;
    public ScheduleStepper? Schedule { get; private set; }
    public string RunDirectory { get; private set; } = null!;
    public string Checkpoints { get; private set; } = null!;
    public RunState State { get; private set; } = null!;
    public List<string> Notes { get; } = [];
    public int StepsPerEpoch { get; private set; }

    public static TrainingSetup Build(TrainPipelineConfig config)
    {
        PipelineParts.ThrowIfInputsMissing(Path.Combine(config.DatasetRoot, config.DataframeName), config.Extractor, config.TransformsTrain, config.TransformsVal);
        var setup = new TrainingSetup(config);
        try
        {
            setup.Assemble();
            return setup;
        }
        catch
        {
            setup.Dispose();
            throw;
        }
    }

    /// <summary>The trained extractor goes to the run's result (notebooks keep using it): disposing no longer frees it.</summary>
    public Extractor HandOverExtractor()
    {
        _extractorHandedOver = true;
        return Extractor;
    }

    private void Assemble()
    {
        var config = Config;
        Resume = config.Resume is null ? null : ResumePoint.Read(config.Resume);

        // 1. seed
        manual_seed(config.Seed);
        Device = new Device(config.Engine.Device);

        // 2. datasets
        Frame = PipelineParts.LoadFrame(config.DatasetRoot, config.DataframeName);
        if (Frame.Train.Count == 0) throw new OmlException($"{Frame.Source} has no train rows (split = train)");
        if (Frame.Validation.Count == 0) throw new OmlException($"{Frame.Source} has no validation rows (split = validation)");
        Notes.AddRange(config.Notes);
        if (config.ShowDatasetWarnings) Notes.AddRange(Frame.Warnings.Select(w => $"dataset: {w}"));
        Train = ImageDataset.Train(Frame, PipelineParts.Transform(config.TransformsTrain), config.CacheSize, config.Seed);
        Validation = ImageDataset.Validation(Frame, PipelineParts.Transform(config.TransformsVal), config.CacheSize, config.Seed);
        var label2Category = Frame.TrainLabelToCategory();

        // 3. sampler
        Sampler = config.Sampler is null
            ? new RandomBatchSampler(Train.Count, config.BatchSizeTrain!.Value, config.Seed)
            : Registry.Samplers.Create(config.Sampler.Name, config.Sampler.CreateArgs(), new SamplerContext(Train.Labels(), label2Category, config.Seed));

        // 4. extractor, criterion, optimizer, scheduler
        Extractor = PipelineParts.Extractor(config.Extractor, Device);
        CriterionModule = Registry.Losses.Create(config.Criterion.Name, config.Criterion.CreateArgs(),
            new LossContext(label2Category, Frame.TrainLabelCount, config.Seed));
        Criterion = Criterion.From(CriterionModule, config.Criterion);
        if (Device.type != DeviceType.CPU) CriterionModule.to(Device);
        if (config.FreezeNEpochs > 0 && Extractor is not IFreezable)
        {
            throw new OmlException($"freeze_n_epochs = {config.FreezeNEpochs} needs an extractor with a backbone to freeze (extractor_with_mlp); '{config.Extractor.Name}' has none");
        }
        Optimizer = Registry.Optimizers.Create(config.Optimizer.Name, config.Optimizer.CreateArgs(),
            new OptimizerContext(Extractor.parameters(), CriterionModule.parameters()));
        Schedule = config.Scheduling is null ? null : new ScheduleStepper(config.Scheduling, Optimizer.Optimizer);

        // 5. the run folder, and where a resumed run stands
        RunDirectory = Resume?.RunDirectory ?? config.Logs.RunDirectory;
        Checkpoints = Path.Combine(RunDirectory, "checkpoints");
        Directory.CreateDirectory(Checkpoints);
        ConfigYaml.Write(Path.Combine(RunDirectory, Resume is null ? "config.yaml" : $"config_resume_{DateTime.Now:yyyyMMdd_HHmmss}.yaml"), config.Values);
        State = new RunState(config);
        if (Resume is not null)
        {
            TrainingCheckpoint.LoadExtractor(Resume.Path, Extractor);
            TrainingCheckpoint.LoadTrainingState(Resume.Path, CriterionModule, Optimizer.Optimizer);
            Schedule?.Replay(Resume.State);
            State.RestoreFrom(Resume.State);
            Notes.Add($"resumed from {Resume.Path} after epoch {Resume.State.EpochsCompleted}");
        }
        StepsPerEpoch = Math.Min(Sampler.BatchesPerEpoch, config.LimitTrainBatches ?? int.MaxValue);
        if (StepsPerEpoch == 0) throw new OmlException("the sampler gives no batches per epoch; check the sampler args against the train split");
    }

    public void Dispose()
    {
        Schedule?.Dispose();
        Optimizer?.Dispose();
        CriterionModule?.Dispose();
        if (!_extractorHandedOver) Extractor?.Dispose();
    }
}
