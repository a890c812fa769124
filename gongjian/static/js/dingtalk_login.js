// 钉钉 in-app sign-in: ask the app for a one-time 免登 code (dd.getAuthCode) and bring it to our DingTalk callback,
// which asks 钉钉 who it is. Outside the app there is no `dd`: the person signs in with a password instead.
(function () {
  var box = document.getElementById("dingtalk-login");
  if (!box) return;
  var status = box.querySelector("[data-status]");
  function fail(text) {
    status.textContent = text;
    status.classList.add("text-danger");
  }
  if (!window.dd || typeof window.dd.getAuthCode !== "function") {
    fail("请在钉钉中打开本页，或使用账号密码登录。");
    return;
  }
  window.dd.getAuthCode({
    corpId: box.dataset.corpId,
    success: function (result) {
      var code = result && (result.code || result.authCode);
      if (!code) {
        fail("钉钉未能确认您的身份，请使用账号密码登录。");
        return;
      }
      var url = new URL(box.dataset.callback, window.location.href);
      url.searchParams.set("code", code);
      window.location.replace(url.toString());
    },
    fail: function () {
      fail("钉钉未能确认您的身份，请使用账号密码登录。");
    }
  });
})();
