using Oml.Data;
using Oml.Images;
using Oml.IO;
using Oml.Losses;
using Oml.Miners;
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
/// extractor_training_pipeline</c>): seed, datasets, sampler, the objective (extractor and criterion with
/// <c>label2category</c>; or, for a postprocessor, the baseline extractor's embeddings and the pairwise model, as in
/// <c>train_postprocessor.py: postprocessor_training_pipeline</c>), optimizer over the trained parameters, scheduler;
/// then, on resume, the state of the checkpoint, and the config in the run folder. The run folder is made (and checked
/// to be writable) first, before anything expensive; a run that fails before its first step removes the run folder it
/// made (<see cref="RemoveRunFolderIfMade"/>). Disposing frees what it built, except a model handed over to the run's result.
/// </summary>
internal sealed class TrainingSetup : IDisposable
{
    private bool _modelHandedOver;

    private TrainingSetup(TrainPipelineConfig config) => Config = config;

    public TrainPipelineConfig Config { get; }
    public Device Device { get; private set; } = null!;
    public ResumePoint? Resume { get; private set; }
    public DatasetFrame Frame { get; private set; } = null!;
    public ImageDataset Train { get; private set; } = null!;
    public ImageDataset Validation { get; private set; } = null!;
    public IBatchSampler Sampler { get; private set; } = null!;
    public ITrainingObjective Objective { get; private set; } = null!;

    /// <summary>What the optimizer trains: the extractor, or the postprocessor's pairwise model.</summary>
    public nn.Module Model => Objective.Model;
    public TrainingOptimizer Optimizer { get; private set; } = null!;
    public ScheduleStepper? Schedule { get; private set; }
    public string RunDirectory { get; private set; } = null!;
    public string Checkpoints { get; private set; } = null!;

    /// <summary>What chose <see cref="RunDirectory"/>, as messages name it: <c>logs_root/logs_folder</c>, or <c>resume</c>.</summary>
    public string RunDirectoryKey => Resume is null ? "logs_root/logs_folder" : "resume";

    /// <summary>The topmost folder this run made for its run folder (null: the run folder was there, as on resume).</summary>
    public string? MadeFolder { get; private set; }
    public RunState State { get; private set; } = null!;
    public List<string> Notes { get; } = [];
    public int StepsPerEpoch { get; private set; }

    public static TrainingSetup Build(TrainPipelineConfig config)
    {
        PipelineParts.ThrowIfInputsMissing(Path.Combine(config.DatasetRoot, config.DataframeName), config.Extractor, config.TransformsTrain, config.TransformsVal);
        if (config.Pairwise is not null)
        {
            PipelineParts.ThrowIfInputsMissing(null, config.Pairwise.PairwiseModel.Args.GetValueOrDefault("extractor") is { } inner
                ? ConfigBlock.FromValue(inner, $"{config.Pairwise.PairwiseModel.Path}.args.extractor")! : config.Extractor, config.TransformsTrain);
        }
        var setup = new TrainingSetup(config);
        try
        {
            setup.Assemble();
            return setup;
        }
        catch
        {
            setup.Dispose();
            setup.RemoveRunFolderIfMade();
            throw;
        }
    }

    /// <summary>
    /// Removes the run folder and what is in it, if this run made it: for a run that fails before its first step, whose
    /// folder holds no checkpoint and nothing else worth keeping.
    /// </summary>
    public void RemoveRunFolderIfMade()
    {
        if (RunDirectory is null || MadeFolder is null) return;
        OutputLocation.RemoveCreated(RunDirectory, MadeFolder, recursive: true);
        MadeFolder = null;
    }

    /// <summary>The trained model goes to the run's result (notebooks keep using it): disposing no longer frees it.</summary>
    public nn.Module HandOverModel()
    {
        _modelHandedOver = true;
        return Model;
    }

    private void Assemble()
    {
        var config = Config;
        Resume = config.Resume is null ? null : ResumePoint.Read(config.Resume);

        // 0. where the run writes, made and checked before anything expensive (the checkpoints' leftovers: a note)
        RunDirectory = Resume?.RunDirectory ?? config.Logs.RunDirectory;
        Checkpoints = Path.Combine(RunDirectory, "checkpoints");
        MadeFolder = OutputLocation.PrepareFolder(RunDirectory, RunDirectoryKey);
        OutputLocation.CreateFolder(Checkpoints);
        if (config.Pairwise?.EmbeddingsCacheDir is { } cacheDirectory) OutputLocation.PrepareFolder(cacheDirectory, "embeddings_cache_dir");
        foreach (var folder in new[] { RunDirectory, Checkpoints })
        {
            var leftovers = AtomicFile.RemoveLeftovers(folder);
            if (leftovers.Count > 0)
            {
                Notes.Add($"{folder}: removed {leftovers.Count} temporary file(s) left by a write that was interrupted ({string.Join(", ", leftovers)}); " +
                          "the files they were to replace keep their previous, complete content");
            }
        }

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
        KeepImagesInMemory(config.TensorCacheMb);
        var label2Category = Frame.TrainLabelToCategory();

        // 3. sampler
        Sampler = config.Sampler is null
            ? new RandomBatchSampler(Train.Count, config.BatchSizeTrain!.Value, config.Seed)
            : Registry.Samplers.Create(config.Sampler.Name, config.Sampler.CreateArgs(), new SamplerContext(Train.Labels(), label2Category, config.Seed));

        // 4. the objective (model and loss), optimizer, scheduler
        Objective = config.Pairwise is null ? ExtractorObjective(label2Category) : PairwiseObjective(config.Pairwise);
        if (config.FreezeNEpochs > 0 && Model is not IFreezable)
        {
            var (what, block) = config.Pairwise is null ? ("an extractor", config.Extractor) : ("a pairwise model", config.Pairwise.PairwiseModel);
            throw new OmlException($"freeze_n_epochs = {config.FreezeNEpochs} needs {what} with a backbone to freeze " +
                                   $"({(config.Pairwise is null ? "extractor_with_mlp" : "concat_siamese")}); '{block.Name}' has none");
        }
        Optimizer = Registry.Optimizers.Create(config.Optimizer.Name, config.Optimizer.CreateArgs(),
            new OptimizerContext(Model.parameters(), Objective.CriterionModule.parameters()));
        Schedule = config.Scheduling is null ? null : new ScheduleStepper(config.Scheduling, Optimizer.Optimizer);

        // 5. where a resumed run stands, and the config in the run folder
        State = new RunState(config);
        if (Resume is not null)
        {
            Resume.ThrowIfOtherModel(Objective.ModelEntry);
            TrainingCheckpoint.LoadModel(Resume.Path, Objective.ModelEntry, Model);
            TrainingCheckpoint.LoadTrainingState(Resume.Path, Objective.CriterionModule, Optimizer.Optimizer);
            if (TrainingCheckpoint.LoadMinerState(Resume.Path, Objective.CriterionModule) is { } minerNote) Notes.Add(minerNote);
            Schedule?.Replay(Resume.State);
            State.RestoreFrom(Resume.State);
            Notes.Add($"resumed from {Resume.Path} after epoch {Resume.State.EpochsCompleted}");
        }
        StepsPerEpoch = Math.Min(Sampler.BatchesPerEpoch, config.LimitTrainBatches ?? int.MaxValue);
        if (StepsPerEpoch == 0) throw new OmlException("the sampler gives no batches per epoch; check the sampler args against the train split");
        ConfigYaml.Write(Path.Combine(RunDirectory, Resume is null ? "config.yaml" : $"config_resume_{DateTime.Now:yyyyMMdd_HHmmss}.yaml"), config.Values);
    }

    /// <summary>
    /// Validation images first (every validation loads all of them), then train images, each split whole or not at all;
    /// a split that does not fit gets a note saying what it would take.
    /// </summary>
    private void KeepImagesInMemory(int budgetMb)
    {
        var budget = budgetMb * (1L << 20);
        foreach (var (dataset, name) in new[] { (Validation, "validation"), (Train, "train") })
        {
            if (dataset.TryKeepInMemory(budget))
            {
                budget -= dataset.InMemory!.Bytes;
            }
            else if (budgetMb > 0 && !dataset.Transform.IsRandom && dataset.TransformedBytes is { } bytes)
            {
                Notes.Add($"the {dataset.Count} transformed {name} images ({Megabytes(bytes)} MB) do not fit in what is left of " +
                          $"tensor_cache_mb = {budgetMb} ({Megabytes(budget)} MB), so they are decoded at every load; " +
                          $"set tensor_cache_mb to {(budgetMb * (1L << 20) - budget + bytes + (1 << 20) - 1) >> 20} or more to keep them in memory");
            }
        }
    }

    private static long Megabytes(long bytes) => (bytes + (1 << 20) - 1) >> 20;

    private ExtractorObjective ExtractorObjective(IReadOnlyDictionary<long, string>? label2Category)
    {
        var config = Config;
        var extractor = PipelineParts.Extractor(config.Extractor, Device);
        try
        {
            var criterion = Registry.Losses.Create(config.Criterion!.Name, config.Criterion.CreateArgs(),
                new LossContext(label2Category, Frame.TrainLabelCount, config.Seed));
            if (Device.type != DeviceType.CPU) criterion.to(Device);
            return new ExtractorObjective(extractor, criterion, config.Criterion, config, Frame, Validation, Device);
        }
        catch
        {
            extractor.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The baseline extractor's embeddings of both splits (from <c>embeddings_cache_dir</c> when they are there), then
    /// the extractor is freed; the pairwise model is the configured <c>pairwise_reranker</c>'s own.
    /// </summary>
    private PairwiseObjective PairwiseObjective(PairwiseTrainingSettings pairwise)
    {
        var config = Config;
        Tensor trainEmbeddings, validationEmbeddings;
        using (var extractor = PipelineParts.Extractor(config.Extractor, Device))
        {
            var key = EmbeddingsCache.Key(
                [ConfigYaml.Serialize(new Dictionary<string, object?> { ["extractor"] = config.Values["extractor"], ["transforms_extraction"] = config.Values["transforms_extraction"] }),
                 config.DataframeName],
                [Path.Combine(config.DatasetRoot, config.DataframeName), .. WeightFiles(config.Extractor)]);
            string? CachePath(string split) => pairwise.EmbeddingsCacheDir is null ? null : EmbeddingsCache.PathFor(pairwise.EmbeddingsCacheDir, split, key);
            var extraction = ImageDataset.Train(Frame, PipelineParts.Transform(config.TransformsVal), config.CacheSize, config.Seed);
            Tensor Embed(ImageDataset dataset) => EmbeddingExtraction.Run(extractor, dataset, config.BatchSizeVal, config.NumWorkers, Device).cpu();
            trainEmbeddings = EmbeddingsCache.GetOrCompute(CachePath("train"), extraction.Count, () => Embed(extraction), Notes.Add);
            validationEmbeddings = EmbeddingsCache.GetOrCompute(CachePath("val"), Validation.Count, () => Embed(Validation), Notes.Add);
        }
        try
        {
            var reranker = PostprocessorBlock.Create(config.Postprocessor, Device) as Postprocessing.PairwiseReranker
                           ?? throw new OmlException("postprocessor: the postprocessor pipeline trains the model of a pairwise_reranker");
            return new PairwiseObjective(reranker, pairwise.PairwiseModel.Path, new PairsMiner(pairwise.HardPairsMining, config.Seed),
                trainEmbeddings, validationEmbeddings, Frame, Validation, config.MetricArgs, RetrievalBlock.Create(config.Validation.Retrieval, config.MetricArgs.Distance), Device);
        }
        catch
        {
            trainEmbeddings.Dispose();
            validationEmbeddings.Dispose();
            throw;
        }
    }

    /// <summary>The weights file of an extractor block, if it names one: part of what the cached embeddings depend on.</summary>
    private static IEnumerable<string> WeightFiles(ConfigBlock extractor)
    {
        if (extractor.Args.GetValueOrDefault("weights") is string weights) yield return weights;
    }

    public void Dispose()
    {
        Schedule?.Dispose();
        Optimizer?.Dispose();
        if (Objective is not null)
        {
            if (!_modelHandedOver) Model.Dispose();
            Objective.Dispose();
        }
    }
}
