using AdminPortal.Infrastructure.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;

namespace AdminPortal.Tests.Infrastructure;

public sealed class MachineEndpointsTests
{
    [Fact]
    public void Only_an_anonymous_endpoint_marked_for_machines_skips_the_browser_pipeline()
    {
        static bool Skips(params object[] metadata)
        {
            var context = new DefaultHttpContext();
            context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(metadata), "test"));
            return context.IsMachineEndpoint();
        }

        Assert.True(Skips(new MachineEndpointMetadata(), new AllowAnonymousAttribute()));
        // Marked, but behind the portal's sign-in: authorization must still run.
        Assert.False(Skips(new MachineEndpointMetadata()));
        Assert.False(Skips(new MachineEndpointMetadata(), new AuthorizeAttribute()));
        Assert.False(Skips(new AllowAnonymousAttribute()));
        Assert.False(new DefaultHttpContext().IsMachineEndpoint());
    }
}
