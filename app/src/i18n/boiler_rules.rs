//! What the boiler rules say: their refusals and labels, the same on the phone and the server.

crate::i18n::catalogue! {
    /// The boiler rules' words.
    Words {
        EachShift => "每班", "each shift";
        Weekly => "每周", "weekly";
        Monthly => "每月", "monthly";
        WaterShort => "严重缺水", "Water short";
        NameTheBoiler => "请填写锅炉名称", "Name the boiler";
        ChooseTheKindOfBoiler => "请选择锅炉类型", "Choose the kind of boiler";
        RatedPressure0To5Mpa => "额定压力应在0至5 MPa，额定温度在30至250℃", "Rated pressure 0 to 5 MPa, rated temperature 30 to 250 °C";
        SeasonDatesAreMonthDayE => "采暖期日期格式为 月-日，例如 10-15", "Season dates are month-day, e.g. 10-15";
        EnterTheOutletTemperature30To => "请填写出水温度（-30至250℃）", "Enter the outlet temperature (-30 to 250 °C)";
        TheReturnTemperatureIsBetween30 => "回水温度应在-30至250℃之间", "The return temperature is between -30 and 250 °C";
        EnterThePressure0To5 => "请填写压力（0至5 MPa）", "Enter the pressure (0 to 5 MPa)";
        ASteamBoilerSWaterLevel => "蒸汽锅炉须记录水位", "A steam boiler's water level is required";
        AtMost200Characters => "内容过长（最多200字）", "At most 200 characters";
        DescribeWhatIsWrong => "有异常时须写明异常情况", "Describe what is wrong";
        SafetyValve => "安全阀", "Safety valve";
        PressureGauge => "压力表", "Pressure gauge";
        LevelGauge => "水位表", "Level gauge";
    }
}
