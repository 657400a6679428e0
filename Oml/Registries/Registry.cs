using Oml.Images;
using Oml.Losses;
using Oml.Miners;
using Oml.Models;
using Oml.Optimization;
using Oml.Postprocessing;
using Oml.Retrieval;
using Oml.Samplers;
using static TorchSharp.torch;

namespace Oml.Registries;

/// <summary>
/// The name -> factory tables behind every <c>{name, args}</c> config block. They are public and open:
/// add an entry from C# before running a pipeline, e.g.
/// <c>Registry.Transforms["my_aug"] = args =&gt; new MyTransform(args.GetInt("im_size", 224));</c>
/// Tables whose blocks need run-time inputs that are not in the config (train labels, categories, the optimizer)
/// take a context too: <c>Registry.Losses["my_loss"] = (args, context) =&gt; new MyLoss(args.GetDouble("margin", 0.2));</c>
/// </summary>
public static class Registry
{
    /// <summary>Image transforms (<c>transforms_train</c>, <c>transforms_val</c>, <c>transforms_predict</c>).</summary>
    public static RegistryTable<IImageTransform> Transforms { get; } = ImageTransformRegistry.CreateDefault();

    /// <summary>Retrieval postprocessors (<c>postprocessor</c>).</summary>
    public static RegistryTable<IRetrievalPostprocessor> Postprocessors { get; } = PostprocessorRegistry.CreateDefault();

    /// <summary>Nearest-neighbour searches of validation (<c>retrieval</c>): <c>exact</c>, <c>usearch</c>.</summary>
    public static RegistryTable<IKnnSearch> Retrieval { get; } = RetrievalRegistry.CreateDefault();

    /// <summary>Pairwise models of <c>pairwise_reranker</c> (<c>postprocessor.args.pairwise_model</c>).</summary>
    public static RegistryTable<IPairwiseModel> PairwiseModels { get; } = PairwiseModelRegistry.CreateDefault();

    /// <summary>Extractors (<c>extractor</c>, nested <c>extractor_with_mlp.args.extractor</c>).</summary>
    public static RegistryTable<Extractor> Extractors { get; } = ExtractorRegistry.CreateDefault();

    /// <summary>Losses (<c>criterion</c>); the context carries <c>label2category</c>, the train label count and the seed.</summary>
    public static RegistryTable<LossContext, nn.Module> Losses { get; } = LossRegistry.CreateDefault();

    /// <summary>Triplet miners (<c>criterion.args.miner</c>, <c>miner_with_bank</c>'s nested <c>miner</c>).</summary>
    public static RegistryTable<MinerContext, ITripletMiner> Miners { get; } = MinerRegistry.CreateDefault();

    /// <summary>Batch samplers (<c>sampler</c>); the context carries the train labels, <c>label2category</c> and the seed.</summary>
    public static RegistryTable<SamplerContext, IBatchSampler> Samplers { get; } = SamplerRegistry.CreateDefault();

    /// <summary>Optimizers (<c>optimizer</c>); the context carries the extractor's and the criterion's parameters.</summary>
    public static RegistryTable<OptimizerContext, TrainingOptimizer> Optimizers { get; } = OptimizerRegistry.CreateDefault();

    /// <summary>Learning-rate schedulers (<c>scheduling.scheduler</c>); the context carries the optimizer.</summary>
    public static RegistryTable<SchedulerContext, optim.lr_scheduler.LRScheduler> Schedulers { get; } = SchedulerRegistry.CreateDefault();
}
