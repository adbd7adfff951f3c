"""The words in the demo data (Chinese, as the centre's customers and agents write them).

Complaint texts fall into a handful of recognisable themes so complaint-topic analysis has
something to find; chat turns come from small per-category pools; stored reply scripts and the
recommended knowledge answers (hotspots) have ids. Data, not user-interface text: it is not
translated.
"""

from __future__ import annotations

__all__ = [
    "COMPLAINT_THEMES",
    "SURVEY_COMMENTS",
    "SENSITIVE_WORDS",
    "SENSITIVE_REPLIES",
    "HOTSPOT_TITLES",
    "SCRIPTS",
    "CHAT",
    "INCIDENTS",
    "TICKET_SUBJECTS",
    "CATEGORY_SCRIPT",
    "CUSTOMER_QUESTIONS",
    "recommendation",
]

# theme → complaint texts (customers' own words). Keys are stable: feedback.py weighs them.
COMPLAINT_THEMES: dict[str, tuple[str, ...]] = {
    "wait": (
        "打了好几次电话都排不上队,等了十几分钟才接通",
        "排队时间太长了,一直听音乐没人接",
        "在线客服半天没人回复,等得太久了",
        "高峰期根本打不进来,等待时间太长",
    ),
    "logistics": (
        "快递一个星期了还没到,物流信息一直不更新",
        "物流太慢了,说好三天到结果拖了一周",
        "包裹显示已签收但我根本没收到",
    ),
    "refund": (
        "申请退款半个月了钱还没退回来",
        "退货已经寄回去了,退款迟迟不到账",
        "说好的退款三个工作日到账,现在还没有",
    ),
    "quality": (
        "收到的商品有质量问题,屏幕有划痕",
        "刚买一个月就坏了,质量太差",
        "商品和描述严重不符,做工粗糙",
    ),
    "attitude": (
        "客服态度很差,说话不耐烦",
        "客服敷衍了事,问题没说完就挂电话",
        "客服态度恶劣,要求投诉该工号",
    ),
    "repeat": (
        "同一个问题反映了三次还是没有解决",
        "每次打电话都要重新说一遍,问题一直没人跟进",
        "上次说会回电,结果一直没人联系我",
    ),
    "billing": (
        "莫名其妙被扣了会员费,要求退还",
        "账单金额不对,多扣了钱",
        "取消了自动续费还是被扣款",
    ),
}

SURVEY_COMMENTS: dict[str, tuple[str, ...]] = {
    "good": ("客服很专业,问题很快解决了", "态度很好,谢谢", "回复及时,非常满意", "耐心细致,点赞", "处理效率高"),
    "neutral": ("还可以", "问题解决了,但是等了一会儿", "一般吧"),
    "bad": ("等了很久", "问题没有解决", "转了好几次才找到人", "回答不专业"),
}

# Words a sensitive-word check should catch (seed 001 names "TNND"); in Chinese and English.
SENSITIVE_WORDS = ("TNND", "烦不烦", "爱买不买", "笨蛋", "damn", "shut up")
SENSITIVE_REPLIES = (
    "TNND,系统又卡了,您再等等",
    "你烦不烦啊,刚才不是说过了吗",
    "爱买不买,规定就是这样",
    "这都不会操作?笨蛋都会",
    "damn, 系统又出错了,请稍等",
    "shut up and wait, 我在查",
)

# Recommended knowledge answers, four per category (CATEGORIES order); ids H001 … H032.
HOTSPOT_TITLES = (
    ("商品规格参数查询", "如何选择合适的型号", "商品保修政策说明", "新品上市时间"),
    ("如何查询订单状态", "如何修改收货地址", "如何取消订单", "发票如何开具"),
    ("投诉处理流程说明", "投诉处理时效", "如何申请赔偿", "投诉进度查询"),
    ("设备无法开机怎么办", "APP闪退如何处理", "忘记登录密码怎么办", "网络连接失败排查"),
    ("七天无理由退货说明", "退款多久到账", "换货流程说明", "退货运费由谁承担"),
    ("如何注销账户", "如何修改绑定手机号", "会员权益说明", "实名认证失败怎么办"),
    ("物流信息不更新怎么办", "快递多久能到", "如何更换配送时间", "包裹丢失如何处理"),
    ("优惠券使用规则", "活动价格保护说明", "满减规则说明", "积分如何兑换"),
)

# Stored reply scripts (智能预存话术): id → text. S01–S03 greet, S04–S05 close, then per category.
SCRIPTS: dict[str, str] = {
    "S01": "您好,很高兴为您服务,请问有什么可以帮您?",
    "S02": "亲,您好!我是您的专属客服,请问遇到什么问题了呢?",
    "S03": "您好,让您久等了,请问有什么可以帮您?",
    "S04": "感谢您的咨询,祝您生活愉快!",
    "S05": "请问还有其他可以帮您的吗?如无其他问题,稍后将结束本次会话。",
    "S11": "这款商品的详细参数可以在商品详情页的“规格参数”中查看。",
    "S12": "您的订单已经发货,可以在“我的订单”中查看物流详情。",
    "S13": "非常抱歉给您带来不好的体验,我这边马上为您登记处理。",
    "S14": "请您先尝试重启设备并更新到最新版本,看问题是否还存在。",
    "S15": "退货申请提交后,我们会在1-3个工作日内完成审核。",
    "S16": "您可以在“账户设置-安全中心”中修改绑定信息。",
    "S17": "我这边帮您催促一下快递公司,有进展会第一时间通知您。",
    "S18": "活动期间下单享受价格保护,差价会以优惠券形式返还。",
}
# category index → the script agents use for it
CATEGORY_SCRIPT = ("S11", "S12", "S13", "S14", "S15", "S16", "S17", "S18")

CHAT: dict[str, tuple[str, ...]] = {
    "bot_greeting": ("您好,我是智能客服小助手,请问有什么可以帮您?",),
    "bot_fallback": ("抱歉,我没有理解您的问题,您可以换个说法试试。", "为您找到以下相关问题,请问是您想问的吗?"),
    "customer_transfer": ("转人工", "人工客服", "我要找人工", "人工"),
    "system_transfer": ("正在为您转接人工客服,请稍候……",),
    "customer_waiting": ("人呢?", "怎么还没人回复", "在吗?"),
    "system_left": ("客户已离开会话",),
    "customer_thanks": ("好的,谢谢", "明白了,谢谢", "解决了,谢谢"),
    "customer_followup": ("那大概需要多久?", "还有别的办法吗?", "好的,我试一下", "能帮我查一下吗?", "可以再说详细一点吗?", "嗯嗯"),
    "agent_generic": ("好的,我这边帮您查询一下,请稍等。", "明白,请您提供一下订单号。", "已经为您处理好了,请您确认一下。",
                      "非常理解您的心情,我们会尽快处理。", "稍等,我帮您核实一下。", "您看这样处理可以吗?"),
    "agent_farewell": ("好的,那先这样,再见。", "不客气,有问题随时联系我们。"),
    "agent_greeting": ("您好,请问有什么可以帮您?", "在的,您请说。"),
}
# Customers' opening questions per category (CATEGORIES order).
CUSTOMER_QUESTIONS = (
    ("这款有没有大一点的尺寸?", "这个型号和上一代有什么区别?", "保修期是多久?"),
    ("我的订单怎么还没发货?", "订单能改地址吗?", "帮我查一下订单状态"),
    ("我要投诉,你们的服务太差了", "上次的问题到现在都没解决", "我要求赔偿"),
    ("设备开不了机了", "APP一直闪退", "登录不上去,提示密码错误"),
    ("我想退货", "退款什么时候到账?", "收到的东西有问题想换货"),
    ("怎么修改绑定的手机号?", "账户被锁定了", "会员怎么取消自动续费?"),
    ("快递好几天没动了", "物流信息一直不更新", "能不能改送货时间?"),
    ("优惠券怎么用不了?", "活动价什么时候开始?", "买贵了能退差价吗?"),
)



def recommendation(title: str) -> str:
    """The text of a message offering a recommended knowledge answer."""
    return f"为您推荐:《{title}》"


# Public-opinion incidents: (description, complaint theme it feeds).
INCIDENTS = (
    ("微博用户发帖投诉快递延误,转发量超过500", "logistics"),
    ("小红书笔记曝光商品质量问题,评论区集中吐槽", "quality"),
    ("黑猫投诉平台出现多起退款未到账投诉", "refund"),
    ("抖音视频吐槽客服电话打不进,播放量上万", "wait"),
    ("微博话题质疑会员自动续费扣款", "billing"),
    ("论坛帖子反映客服态度恶劣,被多家媒体转载", "attitude"),
)

TICKET_SUBJECTS = (
    "商品咨询", "订单查询", "投诉处理", "故障报修", "退换货申请", "账户问题", "物流查询", "活动咨询",
)
