//! The words of the boiler pages.

crate::i18n::catalogue! {
    /// The boiler pages' words.
    Text {
        EnterANumber => "请输入数字", "Enter a number";
        Rated => "额定压力", "rated";
        Outlet => "额定出水温度", "outlet";
        SpecialEquipmentCertifiedOperatorAnnualInspection => "特种设备：持证操作，按期年检", "Special equipment: certified operator, annual inspection";
        OutsideTheHeatingSeason => "非采暖期", "Outside the heating season";
        BoilerLog => "锅炉运行记录", "Boiler log";
        NoBoilerAtThisSite => "本场所没有锅炉", "No boiler at this site";
        StopTheBoilerNow => "立即停炉", "Stop the boiler now";
        FollowTheStepsInOrderTap => "按顺序操作，每一步点一下记录时间；已通知主管。", "Follow the steps in order; tap each to record its time. The supervisor is alerted.";
        Due => "待做：", "Due: ";
        OutletC => "出水温度 ℃", "Outlet °C";
        ReturnC => "回水温度 ℃", "Return °C";
        PressureMpa => "压力 MPa", "Pressure MPa";
        WaterLevel => "水位", "Water level";
        CirculationPump => "循环泵", "Circulation pump";
        Running => "运行", "Running";
        Stopped => "停止", "Stopped";
        FuelAndAmount => "燃料及用量", "Fuel and amount";
        MakeUpWater => "补水", "Make-up water";
        DoneNow => "本次完成", "Done now";
        FaultySafetyAccessories => "安全附件故障", "Faulty safety accessories";
        ConditionsThatStopTheBoiler => "紧急停炉情况", "Conditions that stop the boiler";
        AnythingWrong => "异常情况", "Anything wrong";
        Handling => "处理情况", "Handling";
        RecentReadings => "最近记录", "Recent readings";
        Stop => "停炉：", "Stop: ";
    }
}
