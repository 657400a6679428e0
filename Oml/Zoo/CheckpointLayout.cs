namespace Oml.Zoo;

/// <summary>How OML reads a zoo checkpoint once it is on disk (the code path in OML's extractor that loads it).</summary>
public enum CheckpointLayout
{
    /// <summary>A <c>torch.save</c> state dict, possibly nested under <c>state_dict</c> and prefixed (DINO, OML's own, torchvision).</summary>
    StateDict,

    /// <summary>MoCo's training checkpoint: OML's <c>load_moco_weights</c> keeps the keys of <c>module.encoder_q</c>.</summary>
    MocoTrainingCheckpoint,

    /// <summary>OpenAI's CLIP: a TorchScript archive whose <c>visual</c> module holds the weights.</summary>
    ClipTorchScript,

    /// <summary>Sber's ruCLIP: a state dict of the whole CLIP, of which OML keeps the <c>visual.*</c> keys.</summary>
    ClipStateDict,

    /// <summary>Unicom's half-precision state dict, downloaded and loaded by Unicom's own <c>load</c>.</summary>
    UnicomStateDict,
}
