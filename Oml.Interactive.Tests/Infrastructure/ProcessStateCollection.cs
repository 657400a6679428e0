namespace Oml.Tests.Infrastructure;

/// <summary>Tests that change process-wide state (the working directory) run alone, never beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessStateCollection
{
    public const string Name = "process state";
}
