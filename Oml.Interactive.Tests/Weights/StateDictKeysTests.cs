using Oml.Weights;

namespace Oml.Tests.Weights;

/// <summary>Key normalisation as pure functions over key lists (no tensors).</summary>
public sealed class StateDictKeysTests
{
    private static readonly string[] Model = ["blocks.0.weight", "blocks.0.bias", "norm.weight", "head.weight"];

    [Theory]
    [InlineData("")]
    [InlineData("model.")]
    [InlineData("model.model.")]
    [InlineData("module.")]
    [InlineData("extractor.")]
    public void StripsTheWrapperPrefix(string prefix)
    {
        var match = StateDictKeys.Match(Model.Select(k => prefix + k), Model);
        Assert.Equal(prefix, match.StrippedPrefix);
        Assert.Equal(Model, match.Renamed.Select(kv => kv.Value));
        Assert.Empty(match.Dropped);
    }

    [Fact]
    public void DropsLossWeightsOfArcFaceArcFaceWithMlpAndSpeakerLoss()
    {
        string[] file =
        [
            "model.blocks.0.weight", "model.blocks.0.bias", "model.norm.weight", "model.head.weight",
            "criterion.weight", "criterion.mlp.0.weight", "criterion.mlp.0.bias", "criterion.arcface.weight", "speaker_loss.weight",
        ];
        var match = StateDictKeys.Match(file, Model);
        Assert.Equal("model.", match.StrippedPrefix);
        Assert.Equal(["criterion.weight", "criterion.mlp.0.weight", "criterion.mlp.0.bias", "criterion.arcface.weight", "speaker_loss.weight"], match.Dropped);
        Assert.Equal(Model, match.Renamed.Select(kv => kv.Value));
    }

    [Fact]
    public void KeepsCriterionKeysWhenTheModelHasThem()
    {
        string[] model = ["criterion.weight", "fc.weight"];
        var match = StateDictKeys.Match(model, model);
        Assert.Empty(match.Dropped);
        Assert.Equal("", match.StrippedPrefix);
    }

    [Fact]
    public void ChoosesThePrefixThatMatchesMostKeys()
    {
        // "model." would turn one key into a model key ("model.x" -> "x"), "model.model." turns all three
        string[] file = ["model.model.a.weight", "model.model.b.weight", "model.model.x"];
        string[] model = ["a.weight", "b.weight", "x", "model.x"];
        Assert.Equal("model.model.", StateDictKeys.BestPrefix(file, model));
    }

    [Fact]
    public void OnATieTheShorterPrefixWins()
    {
        // both "model." (-> backbone.x) and "model.backbone." (-> x) match one key
        Assert.Equal("model.", StateDictKeys.BestPrefix(["model.backbone.x"], ["backbone.x", "x"]));
    }

    [Fact]
    public void NoPrefixWhenKeysAlreadyMatchOrNothingMatches()
    {
        Assert.Equal("", StateDictKeys.BestPrefix(Model, Model));
        Assert.Equal("", StateDictKeys.BestPrefix(["foo.bar", "baz"], Model));
        // the bare key matches already; stripping "module." from the other key would not add a match
        Assert.Equal("", StateDictKeys.BestPrefix(["norm.weight", "module.unknown"], Model));
    }

    [Fact]
    public void KeysWithoutThePrefixKeepTheirNames()
    {
        var match = StateDictKeys.Match(["model.blocks.0.weight", "model.norm.weight", "extra.thing"], Model);
        Assert.Equal("model.", match.StrippedPrefix);
        Assert.Equal(["blocks.0.weight", "norm.weight", "extra.thing"], match.Renamed.Select(kv => kv.Value));
        Assert.Equal("extra.thing", match.Renamed[2].Key);
    }

    [Fact]
    public void AMocoTrainingCheckpointKeepsTheQueryEncoderAsOmlsLoadMocoWeightsDoes()
    {
        // MoCo's main_moco.py under DistributedDataParallel: both encoders under module., the queue beside them.
        // Without the rule the momentum encoder would win the tie between the two prefixes (encoder_k sorts first).
        string[] file = [.. Model.Select(k => "module.encoder_q." + k), .. Model.Select(k => "module.encoder_k." + k), "module.queue", "module.queue_ptr"];
        var match = StateDictKeys.Match(file, Model);
        Assert.Equal("module.encoder_q.", match.StrippedPrefix);
        Assert.Equal(Model.Select(k => "module.encoder_q." + k), match.Renamed.Select(kv => kv.Key));
        Assert.Equal(Model, match.Renamed.Select(kv => kv.Value));
        Assert.Equal([.. Model.Select(k => "module.encoder_k." + k), "module.queue", "module.queue_ptr"], match.Dropped);

        // without the DDP wrapper too, and only when both encoders are there
        Assert.Equal("encoder_q.", StateDictKeys.Match([.. Model.Select(k => "encoder_q." + k), .. Model.Select(k => "encoder_k." + k)], Model).StrippedPrefix);
        Assert.Empty(StateDictKeys.Match(Model.Select(k => "encoder_k." + k), Model).Dropped);
        Assert.Equal("encoder_k.", StateDictKeys.Match(Model.Select(k => "encoder_k." + k), Model).StrippedPrefix);
    }

    [Fact]
    public void AModelWithBothEncodersKeepsThem()
    {
        string[] model = ["encoder_q.w", "encoder_k.w", "queue"];
        var match = StateDictKeys.Match(model.Select(k => "module." + k), model);
        Assert.Empty(match.Dropped);
        Assert.Equal(model, match.Renamed.Select(kv => kv.Value));
    }
}
