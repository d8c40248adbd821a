using Orleans.Runtime;
using Orleans.Storage;

namespace WherebyGrains.Grains.Tests;

/// <summary>
/// Real grain storage with a test's step before each write (holding it back, failing it): reads
/// and clears pass straight through.
/// </summary>
internal sealed class InterceptedGrainStorage(IGrainStorage inner, Func<string, Task> beforeWrite) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await beforeWrite(stateName);
        await inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}
