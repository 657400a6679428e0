namespace Oml.Miners;

/// <summary>What a miner factory gets besides its config args: the run's seed (for miners that draw at random).</summary>
public sealed record MinerContext(int Seed = 0);
