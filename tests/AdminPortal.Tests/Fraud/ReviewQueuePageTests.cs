using AdminPortal.Components.Layout;
using AdminPortal.Features.Fraud.Queue;
using AdminPortal.Features.Merchants.Access;
using AdminPortal.Tests.TestSupport;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;

namespace AdminPortal.Tests.Fraud;

/// <summary>
/// /fraud is a statically rendered page around one interactive island (ReviewQueue): the interactive router leaves
/// it to a full page load, the shell stays static, and the island is told the merchant the request was served for.
/// </summary>
public sealed class ReviewQueuePageTests : PortalComponentTest
{
    [Fact]
    public void The_page_is_excluded_from_interactive_routing_and_uses_the_shell_without_providers()
    {
        var page = typeof(ReviewQueuePage);

        Assert.True(Attribute.IsDefined(page, typeof(ExcludeFromInteractiveRoutingAttribute)));
        Assert.Equal(typeof(MainLayout), page.GetCustomAttributes(typeof(LayoutAttribute), false).Cast<LayoutAttribute>().Single().LayoutType);
        Assert.Equal("/fraud", page.GetCustomAttributes(typeof(RouteAttribute), false).Cast<RouteAttribute>().Single().Template);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_island_gets_the_merchant_remembered_in_the_requests_cookie_or_none(bool remembered)
    {
        var merchant = Guid.NewGuid();
        var request = new DefaultHttpContext();
        if (remembered)
        {
            request.Request.Headers.Cookie = $"{RememberedMerchantCookie.Name}={merchant}";
        }

        Context.Services.AddSingleton(new CurrentMerchantAccessor(new HttpContextAccessor { HttpContext = request }));
        Context.ComponentFactories.AddStub<ReviewQueue>();
        Context.SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        var page = Context.Render<ReviewQueuePage>();

        var island = page.FindComponent<Stub<ReviewQueue>>();
        Assert.Equal(remembered ? merchant : null, island.Instance.Parameters.Get(q => q.RememberedMerchantId));
    }
}
